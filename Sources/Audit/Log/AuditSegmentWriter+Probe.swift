#if canImport(Glibc)
import Glibc
#endif

extension AuditSegmentWriter {
    /// The name of the probe file in the audit directory (not a segment name, so readers and the verifier skip it).
    static let probeFileName = ".write-probe"
    /// How much the probe writes: more than a batch of records needs, so that a disk with only a few free blocks
    /// (or the unused end of a segment's last block) does not count as writable again.
    static let probeBytes = 64 * 1024

    /// Writes `probeBytes` to a fresh probe file in the audit directory, syncs it and removes it. Returns why that
    /// failed, or `nil` when the directory takes writes again. Used after a failed write of records, before the
    /// log is reopened: opening an existing segment needs no space, so it says nothing about a full disk.
    func probeWrite() -> String? {
        let probe = path(Self.probeFileName)
        _ = unlink(probe)
        let fd = Glibc.open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return "cannot create \(probe): \(String(cString: strerror(errno)))" }
        defer {
            Glibc.close(fd)
            _ = unlink(probe)
        }
        if let code = writeFaults.failure(writing: Self.probeBytes, to: probe) {
            return "cannot write \(probe): \(String(cString: strerror(code)))"
        }
        do {
            try AuditFiles.writeAll(fd, [UInt8](repeating: 0, count: Self.probeBytes), path: probe)
        } catch {
            return error.description
        }
        guard fdatasync(fd) == 0 else { return "cannot sync \(probe): \(String(cString: strerror(errno)))" }
        return nil
    }

    /// Reopens a degraded log, first checking with ``probeWrite()`` that the directory takes writes when records
    /// failed to write. A failed probe leaves the log degraded, with the probe's error as the reason.
    func reopenAfterFailure() {
        if writeFailed {
            if let reason = probeWrite() {
                degrade("audit writes are failing: \(reason)")
                publish()
                return
            }
            writeFailed = false
        }
        open()
    }
}
