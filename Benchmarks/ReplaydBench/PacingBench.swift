import ArgumentParser
import Curl
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A burst of replays against the simulator's per-key limit: how close to the minimum time the limit allows does
/// replayd's shared pacer get, and how many 429s does it take?
struct PacingBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pacing",
        abstract: "A burst of replays against a per-key limit of R per minute: elapsed time vs. the minimum, and 429s."
    )

    @Option(help: "Path to the replayd binary.") var replayd: String
    @Option(help: "Replays in the burst.") var requests = 300
    @Option(help: "The simulator's per-key limit, per minute.") var limit = 100
    @Option(help: "Concurrent callers.") var concurrency = 16

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try CurlRuntime.initialize()
        let stack = try BenchStack()
        defer { stack.stop() }
        try stack.start(replayd: replayd, logLevel: "warning", keyRateLimit: limit)
        var configuration = CurlClientConfiguration()
        configuration.totalTimeout = .seconds(3600)
        configuration.lowSpeedLimitBytesPerSecond = 0
        let client = try CurlClient(configuration: configuration, logger: Logger(label: "bench"))
        let socket = stack.socketPath
        let total = requests
        let started = ContinuousClock.now
        let succeeded = try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            var done = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let request = HTTPRequest(
                        method: "POST",
                        url: "http://localhost/v1/runs/run_failed_1/replay",
                        headers: ["Idempotency-Key": "pacing-\(index)"],
                        unixSocketPath: socket
                    )
                    while true {
                        let response = try await client.send(request)
                        if response.status == 201 { return 1 }
                        if response.status == 202 || response.status == 409 || response.status == 503 {
                            try await Task.sleep(for: .milliseconds(200))
                            continue
                        }
                        return 0
                    }
                }
            }
            for _ in 0..<min(concurrency, total) { add() }
            while let result = try await group.next() {
                done += result
                if next < total { add() }
            }
            return done
        }
        let elapsed = started.duration(to: .now)
        let control = try CurlClient(logger: Logger(label: "bench"))
        let counts = try await control.send(HTTPRequest(method: "GET", url: stack.simulatorURL + "/_sim/requests"))
        let byRoute =
            ((try? JSONSerialization.jsonObject(with: Data(counts.body))) as? [String: Any])?["by_route"]
            as? [String: Any]
        let posts = (byRoute?["POST /v1/runs/{runID}/replay"] as? NSNumber)?.intValue ?? 0
        await control.shutdown()
        await client.shutdown()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        // The simulator's limiter is a sliding-window counter over 60 s: `limit` go at once, then the rest are
        // admitted as the window slides, at `limit` per minute. So the burst cannot finish before this.
        let minimum = Double(max(0, requests - limit)) / Double(limit) * 60
        let throttled = posts - succeeded
        print("| replays | limit/min | succeeded | upstream POSTs | 429s | elapsed s | minimum s | ratio |")
        print("|---|---|---|---|---|---|---|---|")
        print(
            "| \(requests) | \(limit) | \(succeeded) | \(posts) | \(throttled) (\(String(format: "%.1f", Double(throttled) * 100 / Double(max(posts, 1))))%) | "
                + String(format: "%.1f | %.1f | %.2f |", seconds, minimum, minimum > 0 ? seconds / minimum : 0)
        )
    }
}
