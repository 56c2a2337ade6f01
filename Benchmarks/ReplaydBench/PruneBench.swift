import ArgumentParser
import Foundation
import Logging
import ReplayCore
import Synchronization

/// A retention pass under load: replays at a steady rate on the SQLite store (each the engine's two durable
/// writes, open loop), first alone, then while one pass of `ReplayStore.prune` deletes the old records a seeded store
/// holds (`contrib/bench/seed-store.py`). Prints each batch's time on the writer and the replays' latency without
/// and during the pass: how long pruning stalls the hot path.
struct PruneBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Replay latency while a retention pass runs, and how long each prune batch holds SQLite's writer.",
        discussion: """
            Create the store, seed it while nothing has it open, then measure:
              replayd-bench prune --database /tmp/p/replayd.sqlite --create-only
              contrib/bench/seed-store.py /tmp/p/replayd.sqlite 1000000 48
              replayd-bench prune --database /tmp/p/replayd.sqlite --rate 500
            --fixed-batch 500 runs the pass as it ran before batches were sized by time.
            """
    )

    @Option(help: "The SQLite store (created and migrated when missing).") var database: String
    @Flag(help: "Only create and migrate the store, then exit (seed it next).") var createOnly = false
    @Option(help: "Replays per second on the hot path (claim + outcome each, open loop).") var rate = 500
    @Option(help: "Seconds of replays before the pass, without it (the baseline).") var baselineSeconds = 10
    @Option(help: "The pass deletes finished records last changed more than this many hours ago.")
    var retentionHours = 24.0
    @Option(help: "Delete this many records a batch, back to back, instead of sizing batches by time.")
    var fixedBatch: Int?
    @Option(help: "Milliseconds one batch should hold the writer (sized batches).") var targetMs = 4.0

    func run() async throws {
        let logger = Logger(label: "replayd.bench.prune") { _ in SwiftLogNoOpLogHandler() }
        let store = try SQLiteReplayStore(path: database, logger: logger)
        if createOnly {
            try store.close()
            print("created \(database)")
            return
        }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        let sizer =
            fixedBatch.map { PruneBatchSizer.fixed($0) }
            ?? PruneBatchSizer(target: .microseconds(Int64(targetMs * 1000)))
        print("prune bench: \(database), hot path \(rate) replays/s (claim + outcome), load \(Self.loadAverage())")
        print(
            fixedBatch.map { "batches: \($0) records, back to back (as before)" }
                ?? "batches: sized to \(targetMs) ms on the writer, rest \(sizer.restRatio)x between them"
        )
        let tag = "prune-\(getpid())"
        let clock = ContinuousClock()
        let baselineEnd = clock.now + .seconds(baselineSeconds)
        let baseline = try await Self.hotPath(store, rate: rate, tag: tag + "-a") { clock.now >= baselineEnd }

        let done = StopSignal()
        let reports = Reports()
        let cutoff = Self.wallMilliseconds() - Int64(retentionHours * 3_600_000)
        async let during = Self.hotPath(store, rate: rate, tag: tag + "-b") { done.isSet }
        let started = clock.now
        let deleted: Int
        do {
            deleted = try await store.prune(updatedBefore: cutoff, sizer: sizer) { report in
                reports.values.withLock { $0.append(report) }
            }
        } catch {
            done.set()
            _ = try? await during
            throw error
        }
        let passSeconds = (clock.now - started).seconds
        done.set()
        let samples = try await during
        let batches = reports.values.withLock { $0 }
        let checkpoints = store.checkpoints
        try store.close()

        print(
            "pass: deleted \(deleted) records in \(batches.count) batches, "
                + String(format: "%.1f s (%.0f records/s)", passSeconds, Double(deleted) / max(passSeconds, 1e-9))
        )
        print("batch on the writer (held):  " + Self.summary(batches.map(\.held)))
        print("batch DELETE statement:      " + Self.summary(batches.map(\.statement)))
        let sizes = batches.map(\.limit).sorted()
        print("batch size: median \(sizes.isEmpty ? 0 : sizes[sizes.count / 2]), max \(sizes.last ?? 0)")
        print(
            "WAL checkpoints off the writer: \(checkpoints.background), "
                + String(
                    format: "%.0f ms in all, the longest %.1f ms; on the writer (WAL at its maximum): %d",
                    checkpoints.backgroundTime / .microseconds(1) / 1000,
                    checkpoints.longestBackground / .microseconds(1) / 1000,
                    checkpoints.onWriter
                )
        )
        print("replays without the pass:    " + Self.summary(baseline))
        print("replays during the pass:     " + Self.summary(samples))
        print("load \(Self.loadAverage())")
    }

    /// Replays at `rate` per second until `stop` says so, each due at its slot; returns each one's latency from
    /// when it was due to its outcome's commit.
    private static func hotPath(
        _ store: SQLiteReplayStore,
        rate: Int,
        tag: String,
        until stop: @escaping @Sendable () -> Bool
    ) async throws -> [Duration] {
        let clock = ContinuousClock()
        let interval = Duration.seconds(1) / rate
        let start = clock.now
        return try await withThrowingTaskGroup(of: Duration.self) { group in
            var index = 0
            while !stop() {
                let due = start + interval * index
                try await clock.sleep(until: due)
                let key = "\(tag)-\(index)"
                group.addTask {
                    try await replay(store, key: key)
                    return clock.now - due
                }
                index += 1
            }
            var samples: [Duration] = []
            samples.reserveCapacity(index)
            for try await sample in group { samples.append(sample) }
            return samples
        }
    }

    /// The engine's two durable writes for one replay: the claim with attempt 1, then the answer and the outcome.
    private static func replay(_ store: SQLiteReplayStore, key: String) async throws {
        let now = wallMilliseconds()
        let record = ReplayRecord(
            principal: "bench",
            key: key,
            keySource: .client,
            fingerprint: "f-\(key)",
            runID: "run_bench",
            fromCheckpoint: nil,
            force: true,
            door: "socket",
            requestID: "rq-\(key)",
            createdAt: now
        )
        let claimed = try await store.claim(record, coalesceSince: nil, firstAttempt: "att-\(key)")
        guard case .created(let created) = claimed else { throw ValidationError("key \(key) existed") }
        _ = try await store.finishAttempt(
            created,
            attempt: 1,
            outcome: .answered,
            status: 201,
            detail: nil,
            at: now + 1,
            RecordChange(
                state: .succeeded,
                responseStatus: 201,
                responseBody: Array(#"{"id":"run_new","status":"queued"}"#.utf8)
            )
        )
    }

    /// `count, p50 / p99 / p99.9 / max ms`.
    private static func summary(_ samples: [Duration]) -> String {
        let sorted = samples.map { $0 / .microseconds(1) / 1000 }.sorted()
        guard !sorted.isEmpty else { return "none" }
        func percentile(_ p: Double) -> Double {
            sorted[min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))]
        }
        return "\(sorted.count), p50 / p99 / p99.9 / max "
            + String(
                format: "%.2f / %.2f / %.2f / %.2f ms",
                percentile(50),
                percentile(99),
                percentile(99.9),
                sorted[sorted.count - 1]
            )
    }

    private static func wallMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The first three fields of `/proc/loadavg`.
    private static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// Every batch's report, as the pass made them.
    private final class Reports: Sendable {
        let values = Mutex<[PruneBatchReport]>([])
    }

    /// Set once, read by the hot path's loop.
    private final class StopSignal: Sendable {
        private let value = Atomic<Bool>(false)
        var isSet: Bool { value.load(ordering: .acquiring) }
        func set() { value.store(true, ordering: .releasing) }
    }
}
