import Synchronization

/// The live value of something that `replayd` reloads (the config snapshot): read once by each request at its
/// start, replaced whole by a reload. A request that read the old value keeps it until it finishes; the next one
/// reads the new one. The value must be fully built (secrets resolved, keyrings loaded) before ``replace(with:)``.
public final class ReloadableState<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    /// Starts with `initial`.
    public init(_ initial: Value) {
        value = Mutex(initial)
    }

    /// The value in force now.
    public var current: Value { value.withLock { $0 } }

    /// Puts `new` in force, atomically, and returns the value it replaced.
    @discardableResult
    public func replace(with new: Value) -> Value {
        value.withLock { current in
            let old = current
            current = new
            return old
        }
    }
}
