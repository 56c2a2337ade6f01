/// A seam under the audit writer's writes, for tests: it fails a write with an `errno` (`ENOSPC`, `EIO`) before it
/// reaches the file, as a full or failing disk would, where a small file system cannot be mounted to fill it for
/// real. The daemon uses ``NoAuditWriteFaults``.
public protocol AuditWriteFaults: Sendable {
    /// The `errno` to fail a write of `byteCount` bytes to `path` with, or `nil` to write it.
    func failure(writing byteCount: Int, to path: String) -> Int32?
}

/// No injected failures: every write goes to the file.
public struct NoAuditWriteFaults: AuditWriteFaults {
    /// Creates the seam's production side.
    public init() {}

    public func failure(writing byteCount: Int, to path: String) -> Int32? { nil }
}
