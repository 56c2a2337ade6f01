import ArgumentParser
import Audit
import Crypto
import Foundation
import Logging

/// The audit log on its own: records/s made durable with group commit vs. one `fdatasync` per record, in the same
/// run and directory; then `audit verify` speed over everything written.
struct AuditBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit records/s with group commit vs. one sync per record, and audit verify records/s."
    )

    @Option(help: "Records appended concurrently in each durability mode.") var records = 10_000
    @Option(help: "Extra records written (group commit) before timing verify, for a larger log.") var verifyRecords =
        200_000
    @Option(help: "Directory for the log (a fresh subdirectory is created and removed).") var directory =
        NSTemporaryDirectory()

    func run() async throws {
        let root = directory + "/replayd-audit-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let key = try AuditKey(material: Array(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        print("| durability | records | seconds | records/s | fdatasyncs |")
        print("|---|---|---|---|---|")
        var verifyDirectory = ""
        for (name, batch) in [("one fdatasync per record", 1), ("group commit (≤2 ms, ≤64 records)", 64)] {
            let path = root + "/\(batch)"
            let log = AuditLog(
                configuration: AuditLogConfiguration(
                    directory: path,
                    key: key,
                    signingKey: Curve25519.Signing.PrivateKey(),
                    origin: "bench/replayd",
                    minFreeBytes: 0,
                    groupCommitMaxRecords: batch,
                    checkpointEveryRecords: 0
                ),
                logger: logger
            )
            let started = ContinuousClock.now
            try await Self.append(records, to: log)
            let elapsed = Self.seconds(started.duration(to: .now))
            let syncs = log.statistics.segmentSyncs
            if batch > 1 { try await Self.append(verifyRecords, to: log) }
            await log.close()
            print(
                "| \(name) | \(records) | \(String(format: "%.2f", elapsed)) | "
                    + "\(Int(Double(records) / elapsed)) | \(syncs) |"
            )
            verifyDirectory = path
        }
        let verifier = AuditVerifier(keys: [key])
        let started = ContinuousClock.now
        let cpuStarted = Self.threadCPUSeconds()
        let result = try verifier.verify(directory: verifyDirectory)
        // Verify runs on this thread from start to end; its CPU time is what a shared, busy machine blurs least.
        let cpu = Self.threadCPUSeconds() - cpuStarted
        let elapsed = Self.seconds(started.duration(to: .now))
        print("")
        print("| audit verify | records | seconds | records/s | CPU seconds | records/CPU s | intact |")
        print("|---|---|---|---|---|---|---|")
        print(
            "| \(result.segmentsChecked) segment(s) | \(result.recordsChecked) | \(String(format: "%.2f", elapsed)) | "
                + "\(Int(Double(result.recordsChecked) / elapsed)) | \(String(format: "%.2f", cpu)) | "
                + "\(Int(Double(result.recordsChecked) / cpu)) | \(result.intact) |"
        )
    }

    /// Appends `count` socket `received` records (request ids `rq_bench_<first + i>`) to `log`, 512 in flight, as
    /// a busy daemon would. `audit-seed` fills a log with it too.
    static func append(_ count: Int, from first: Int = 0, to log: AuditLog) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = first
            let end = first + count
            func add() {
                let index = next
                next += 1
                group.addTask {
                    try await log.record(
                        AuditRecord(
                            kind: .replay,
                            stage: "received",
                            door: "socket",
                            actor: AuditRecord.Actor(kind: "uds", principal: "bench", uid: 1000, gid: 1000, pid: 4242),
                            requestID: "rq_bench_\(index)",
                            runID: "run_failed_1",
                            idempotencyKeyHash: "hmac-sha256:" + String(repeating: "ab", count: 32),
                            decision: "accepted"
                        )
                    )
                }
            }
            for _ in 0..<min(512, count) { add() }
            while try await group.next() != nil {
                if next < end { add() }
            }
        }
    }

    /// CPU time of the calling thread.
    private static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
