#if canImport(Glibc)
import Glibc
#endif

/// How much space is free where the audit log writes. ``AuditLog`` asks before every group commit and refuses
/// records (``AuditError/Code/diskFull``) while the answer is below `minFreeBytes`. Tests inject a fake to simulate
/// a full disk.
public protocol AuditDiskSpace: Sendable {
    /// Bytes available to this process on the file system that holds `path`, or `nil` when that cannot be told
    /// (the log then writes, and a full disk shows up as a failed write).
    func freeBytes(atPath path: String) -> Int64?
}

/// The real answer, from `statvfs`: blocks available to unprivileged users times the fragment size.
public struct SystemAuditDiskSpace: AuditDiskSpace {
    /// Creates the probe.
    public init() {}

    public func freeBytes(atPath path: String) -> Int64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let (bytes, overflow) = Int64(info.f_bavail).multipliedReportingOverflow(by: Int64(info.f_frsize))
        return overflow ? .max : bytes
    }
}
