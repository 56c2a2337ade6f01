import Audit
import ReplayCore

/// `audit`: the audit log takes records (not degraded) and its directory has more free space than the floor
/// below which it refuses records. The free space is looked at now, so the check turns false before the next
/// record would fail, and true again as soon as space comes back.
public struct AuditReadinessCheck: ReadinessCheck {
    public let name = "audit"
    private let auditor: ReplayAuditor
    private let directory: String
    private let minFreeBytes: Int64
    private let diskSpace: any AuditDiskSpace

    /// Creates the check for the log `auditor` writes, in `directory`, with the log's free-space floor.
    public init(
        auditor: ReplayAuditor,
        directory: String,
        minFreeBytes: Int64,
        diskSpace: any AuditDiskSpace = SystemAuditDiskSpace()
    ) {
        self.auditor = auditor
        self.directory = directory
        self.minFreeBytes = minFreeBytes
        self.diskSpace = diskSpace
    }

    public func check() async -> ReadinessResult {
        let status = auditor.status
        guard status.writable else {
            return ReadinessResult(name: name, ok: false, detail: status.degradedReason ?? "the audit log is degraded")
        }
        if let free = diskSpace.freeBytes(atPath: directory), free < minFreeBytes {
            return ReadinessResult(
                name: name,
                ok: false,
                detail: "free space in \(directory) is \(free) bytes, below the floor of \(minFreeBytes) bytes"
            )
        }
        return ReadinessResult(name: name, ok: true, detail: "head_seq \(status.head.seq)")
    }
}
