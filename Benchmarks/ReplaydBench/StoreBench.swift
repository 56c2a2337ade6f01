import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import ReplayCore

/// Throughput of the replay store alone: each replay is the engine's two durable writes (the claim with attempt 1
/// recorded, then the attempt's result with the record's outcome), from `--concurrency` writers at once, on
/// SQLite (a file in `--directory`) or PostgreSQL (the database whose URL is in `$REPLAYD_BENCH_PG_URL`).
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Replays per second the state store commits (claim + outcome), SQLite or PostgreSQL."
    )

    enum Backend: String, ExpressibleByArgument { case sqlite, postgres }

    @Option(help: "sqlite or postgres.") var backend: Backend = .sqlite
    @Option(help: "Directory for the SQLite file.") var directory = NSTemporaryDirectory()
    @Option(help: "Environment variable holding the PostgreSQL URL (a fresh, migratable database).")
    var urlEnv = "REPLAYD_BENCH_PG_URL"
    @Option(help: "Replays in the measured run.") var replays = 5000
    @Option(help: "Writers at once.") var concurrency = 64

    func run() async throws {
        let logger = Logger(label: "replayd.bench.store") { _ in SwiftLogNoOpLogHandler() }
        switch backend {
        case .sqlite:
            let path = directory + "/replayd-bench-\(getpid()).sqlite"
            defer {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let store = try SQLiteReplayStore(path: path, logger: logger)
            try await measure(store)
        case .postgres:
            guard let url = ProcessInfo.processInfo.environment[urlEnv] else {
                throw ValidationError("set \(urlEnv) to a PostgreSQL URL")
            }
            let settings = try PostgresConnectionSettings.parse(url: Secret(url))
            let client = PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: logger)
            let store = PostgresReplayStore(client: client, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await PostgresStateService(store: store).run() }
                defer { group.cancelAll() }
                try await PostgresStateMigrator(client: client, logger: logger).migrate()
                try await measure(store)
            }
        }
    }

    private func measure(_ store: some ReplayStore) async throws {
        let run = "bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let record = ReplayRecord(
                        principal: "bench",
                        key: "\(run)-\(index)",
                        keySource: .client,
                        fingerprint: "f\(index)",
                        runID: "run_\(index)",
                        fromCheckpoint: nil,
                        force: false,
                        door: "socket",
                        requestID: "req-\(run)-\(index)",
                        createdAt: 1_777_636_800_000
                    )
                    let claimed = try await store.claim(record, coalesceSince: nil, firstAttempt: "att-\(run)-\(index)")
                    guard case .created(let created) = claimed else { throw ValidationError("key \(index) existed") }
                    _ = try await store.finishAttempt(
                        created,
                        attempt: 1,
                        outcome: .answered,
                        status: 202,
                        detail: nil,
                        at: 1_777_636_800_001,
                        RecordChange(state: .succeeded, responseStatus: 202, responseBody: Array(#"{"id":"r"}"#.utf8))
                    )
                }
            }
            for _ in 0..<min(concurrency, replays) { add() }
            while try await group.next() != nil {
                if next < replays { add() }
            }
        }
        let seconds = (clock.now - started).seconds
        print(
            "store \(backend.rawValue): \(replays) replays (2 commits each), concurrency \(concurrency): "
                + String(format: "%.2f s, %.0f replays/s", seconds, Double(replays) / seconds)
        )
    }
}
