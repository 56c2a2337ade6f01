import Audit
import Synchronization

/// Audit write failures a test turns on and off: while set, every write the audit writer makes (records, the
/// probe) fails with that `errno`, as a full (`ENOSPC`) or failing (`EIO`) disk would.
public final class SwitchableAuditWriteFaults: AuditWriteFaults {
    private let code = Mutex<Int32?>(nil)
    private let failures = Mutex(0)

    /// Creates the seam with no failure set.
    public init() {}

    /// Fails every write with `errno` from now on (`nil`: write again).
    public func set(_ errno: Int32?) { code.withLock { $0 = errno } }

    /// How many writes were failed so far.
    public var failedWrites: Int { failures.withLock { $0 } }

    public func failure(writing byteCount: Int, to path: String) -> Int32? {
        guard let errno = code.withLock({ $0 }) else { return nil }
        failures.withLock { $0 += 1 }
        return errno
    }
}
