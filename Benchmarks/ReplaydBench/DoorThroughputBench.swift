import ArgumentParser
import Curl
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Replays per second through the socket door at several connection counts: each replay unique (its own
/// `Idempotency-Key`, `?force=true`), durable, audited and sent to `replayd simulate`.
///
/// The same command measures any replayd binary, so a change's before and after come from one load generator;
/// `--per-uid-cap 0` leaves out `[socket] max_connections_per_uid` for binaries that predate it.
struct DoorThroughputBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "socket",
        abstract: "Replays/s through the socket door at several connection counts (unique, forced replays).",
        discussion: """
            Example: replayd-bench socket --replayd .build/release/replayd --requests 2000 --connections 16,64
            """
    )

    @Option(help: "Path to the replayd binary.") var replayd: String
    @Option(help: "Measured replays per connection count.") var requests = 2000
    @Option(help: "Unmeasured warm-up replays per connection count.") var warmup = 100
    @Option(help: "Connection counts, comma-separated.") var connections = "16,64"
    @Option(help: "[socket] max_connections_per_uid to configure; 0 leaves the key out (older binaries).")
    var perUIDCap = 4096
    @Option(help: "replayd's log level during the run.") var logLevel = "warning"

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try CurlRuntime.initialize()
        let levels = connections.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--connections must be positive integers, e.g. 16,64")
        }
        let stack = try BenchStack()
        defer { stack.stop() }
        try stack.start(
            replayd: replayd,
            logLevel: logLevel,
            socketConfig: perUIDCap > 0 ? "max_connections_per_uid = \(perUIDCap)" : ""
        )
        var configuration = CurlClientConfiguration()
        configuration.totalTimeout = .seconds(120)
        let client = try CurlClient(configuration: configuration, logger: Logger(label: "bench"))
        print("| connections | replays | replays/s | p50 ms | p99 ms | non-2xx |")
        print("|---|---|---|---|---|---|")
        var counter = 0
        for level in levels {
            _ = await load(count: warmup, concurrency: level, client: client, stack: stack, counter: &counter)
            let started = ContinuousClock.now
            let samples = await load(
                count: requests,
                concurrency: level,
                client: client,
                stack: stack,
                counter: &counter
            )
            let wall = started.duration(to: .now)
            let latency = LatencySummary(samples.map(\.elapsed))
            let non2xx = samples.filter { !(200..<300).contains($0.status) }.count
            let rate = Double(samples.count) / max(wall.seconds, 1e-9)
            print(
                "| \(level) | \(samples.count) | \(String(format: "%.0f", rate)) | "
                    + "\(String(format: "%.1f", latency.p50 / 1000)) | \(String(format: "%.1f", latency.p99 / 1000)) | "
                    + "\(non2xx) |"
            )
            if let failure = samples.first(where: { !(200..<300).contains($0.status) })?.failure {
                print("  first failure: \(failure)")
            }
        }
        await client.shutdown()
    }

    private struct Sample: Sendable {
        var elapsed: Duration
        var status: Int
        var failure: String?
    }

    /// Sends `count` unique replays, `concurrency` at a time, and times each answer.
    private func load(
        count: Int,
        concurrency: Int,
        client: CurlClient,
        stack: BenchStack,
        counter: inout Int
    ) async -> [Sample] {
        let first = counter
        counter += count
        let socketPath = stack.socketPath
        return await withTaskGroup(of: Sample.self) { group in
            var next = first
            var samples: [Sample] = []
            samples.reserveCapacity(count)
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let request = HTTPRequest(
                        method: "POST",
                        url: "http://localhost/v1/runs/run_failed_1/replay?force=true",
                        headers: ["Accept": "application/json", "Idempotency-Key": "bench-\(getpid())-\(index)"],
                        unixSocketPath: socketPath
                    )
                    let clock = ContinuousClock()
                    let started = clock.now
                    do {
                        let response = try await client.send(request)
                        let failure =
                            (200..<300).contains(response.status)
                            ? nil
                            : "HTTP \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
                        return Sample(
                            elapsed: started.duration(to: clock.now),
                            status: response.status,
                            failure: failure
                        )
                    } catch {
                        return Sample(elapsed: started.duration(to: clock.now), status: 0, failure: "\(error)")
                    }
                }
            }
            for _ in 0..<min(concurrency, count) { add() }
            while let sample = await group.next() {
                samples.append(sample)
                if next < first + count { add() }
            }
            return samples
        }
    }
}
