import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The audit directory on a real, tiny tmpfs that fills up under the running daemon: replays fail closed at once
/// with 503 `audit_unavailable` and nothing reaches Strait, `replayctl status` says the audit log is failing, and
/// once space is back replays go through again. It needs `mount -t tmpfs` (root with CAP_SYS_ADMIN, as CI has);
/// where that is impossible it is skipped, and `AuditWriteFailureRouteTests` covers the same behaviour with an
/// injected write error.
@Suite struct AuditDiskFullEndToEndTests {
    @Test(.enabled(if: Tmpfs.canMount, "mount -t tmpfs is not possible here (needs root with CAP_SYS_ADMIN)"))
    func aFullAuditDiskRefusesReplaysAtOnceAndSendsNothing() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let mountPoint = harness.directory + "/audit-fs"
        let tmpfs = try Tmpfs(mountPoint: mountPoint, bytes: 8 << 20)
        defer { tmpfs.unmount() }
        try await harness.startSimulator()
        // The floor is off: this test is about writes that fail, not about the free-space check before them.
        try harness.writeConfig(
            replays: "coalesce_window = \"0s\"",
            audit: "dir = \"\(mountPoint)/audit\"\nmin_free_space = \"0\""
        )
        try await harness.startDaemon()
        do {
            let first = try await harness.socketRequest("POST", "/v1/runs/run_failed_1/replay")
            #expect(first.status == 201, "the log works while there is space: \(first.body)")
            #expect(try await harness.simulatorReplayTotal() == 1)

            let filler = try tmpfs.fill()
            for attempt in 1...3 {
                let refused = try await harness.socketRequest("POST", "/v1/runs/run_failed_2/replay?force=true")
                #expect(refused.status == 503, "attempt \(attempt): \(refused.body)")
                #expect(refused.body.contains("audit_unavailable"), "attempt \(attempt): \(refused.body)")
                #expect(try await harness.simulatorReplayTotal() == 1, "nothing reached Strait")
                let status = try await harness.replayctl(["status", "-o", "json"])
                let audit = status.json?["audit"] as? [String: Any]
                #expect(audit?["state"] as? String == "degraded", "status: \(status.stdout)")
                #expect(audit?["reason"] as? String != nil, "status: \(status.stdout)")
            }

            try FileManager.default.removeItem(atPath: filler)
            let back = try await harness.eventually {
                try await harness.socketRequest("POST", "/v1/runs/run_failed_2/replay").status == 201
            }
            #expect(back, "replays go through once space is back")
            #expect(try await harness.simulatorReplayTotal() == 2)
        } catch {
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

/// A tmpfs of a fixed size mounted for one test, and a file that fills it.
struct Tmpfs {
    let mountPoint: String

    /// Whether this process can mount a tmpfs (tried once, on a throwaway directory).
    static let canMount: Bool = {
        let probe = "/tmp/replayd-tmpfs-probe-\(getpid())"
        guard mkdir(probe, 0o700) == 0 || errno == EEXIST else { return false }
        defer { rmdir(probe) }
        guard mount("tmpfs", probe, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount2(probe, 0)
        return true
    }()

    /// Mounts a tmpfs of `bytes` at `mountPoint` (created).
    init(mountPoint: String, bytes: Int) throws {
        self.mountPoint = mountPoint
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard mount("tmpfs", mountPoint, "tmpfs", 0, "size=\(bytes),mode=0755") == 0 else {
            throw HarnessError("cannot mount a tmpfs at \(mountPoint): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes a file until the file system is full; returns its path.
    func fill() throws -> String {
        let path = mountPoint + "/filler"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw HarnessError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let block = [UInt8](repeating: 0xAA, count: 4096)
        while true {
            let written = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                guard errno == ENOSPC else {
                    throw HarnessError("cannot fill \(mountPoint): \(String(cString: strerror(errno)))")
                }
                break
            }
            if written < block.count { continue }
        }
        // The last bytes that fit, one at a time, so that no block is left partly free.
        var byte: UInt8 = 0
        while write(fd, &byte, 1) == 1 {}
        return path
    }

    func unmount() {
        umount2(mountPoint, Int32(MNT_DETACH))
    }
}
