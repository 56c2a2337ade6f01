import ArgumentParser
import Curl
import Foundation
import Logging
import StraitSimulator

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

    @Option(help: "Path to the replayd binary (not with --socket).") var replayd: String?
    @Option(
        name: .customLong("socket"),
        help: ArgumentHelp(
            "A running replayd's socket (repeat for a fleet; the burst goes round-robin over them).",
            discussion: "With --simulator: drive a stack someone else started (contrib/bench/fleet.sh), instead of "
                + "starting a simulator and one replayd.",
            valueName: "path"
        )
    )
    var sockets: [String] = []
    @Option(help: ArgumentHelp("The running simulator's base URL (with --socket).", valueName: "url"))
    var simulator: String?
    @Option(help: "Replays in the burst.") var requests = 300
    @Option(help: "The simulator's per-key limit, per minute.") var limit = 100
    @Option(help: "Concurrent callers.") var concurrency = 16
    @Option(
        help: ArgumentHelp(
            "Start the burst this many seconds into the simulator's aligned 60 s window (0-59).",
            discussion: "The least time the limit allows depends on it. By default the burst starts at once."
        )
    )
    var startOffset: Int?

    private static let window: Int64 = 60_000

    func validate() throws {
        if let startOffset, !(0..<60).contains(startOffset) {
            throw ValidationError("--start-offset must be 0 to 59 seconds, not \(startOffset)")
        }
        guard requests > 0, limit > 0, concurrency > 0 else {
            throw ValidationError("--requests, --limit and --concurrency must be positive")
        }
        if sockets.isEmpty {
            guard replayd != nil, simulator == nil else {
                throw ValidationError(
                    "give --replayd (a stack of its own), or --socket with --simulator (a running one)"
                )
            }
        } else {
            guard replayd == nil, simulator != nil else {
                throw ValidationError("--socket needs --simulator (the stack's upstream), and no --replayd")
            }
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try CurlRuntime.initialize()
        let stack = try BenchStack()
        defer { stack.stop() }
        let simulatorURL: String
        let sockets: [String]
        if let replayd {
            try stack.start(replayd: replayd, logLevel: "warning", keyRateLimit: limit)
            simulatorURL = stack.simulatorURL
            sockets = [stack.socketPath]
        } else {
            simulatorURL = simulator ?? ""
            sockets = self.sockets
        }
        var configuration = CurlClientConfiguration()
        configuration.totalTimeout = .seconds(3600)
        configuration.lowSpeedLimitBytesPerSecond = 0
        let client = try CurlClient(configuration: configuration, logger: Logger(label: "bench"))
        let control = try CurlClient(logger: Logger(label: "bench"))
        if let startOffset {
            let offset = try await Self.simulatorMilliseconds(control, simulatorURL) % Self.window
            try await Task.sleep(for: .milliseconds((Int64(startOffset) * 1000 - offset + Self.window) % Self.window))
        }
        let postsBefore = try await Self.replayPosts(control, simulatorURL)
        let startMonotonic = try await Self.simulatorMilliseconds(control, simulatorURL)
        let started = ContinuousClock.now
        let succeeded = try await burst(client: client, sockets: sockets)
        let elapsed = started.duration(to: .now)
        let posts = try await Self.replayPosts(control, simulatorURL) - postsBefore
        await control.shutdown()
        await client.shutdown()

        // The least time the simulator's own limiter allows from where in its aligned window the burst started:
        // when a client that knew the limiter exactly would have had every request admitted.
        let minimum = SlidingWindowLimiter.minimumTime(
            count: requests,
            limit: .init(requests: limit, window: .milliseconds(Self.window)),
            start: .milliseconds(startMonotonic)
        )
        let seconds = Self.seconds(elapsed)
        let least = Self.seconds(minimum)
        let throttled = posts - succeeded
        let share = Double(throttled) * 100 / Double(max(posts, 1))
        let offset = Double(startMonotonic % Self.window) / 1000
        print(
            "| replays | limit/min | start offset s | succeeded | upstream POSTs | 429s | elapsed s | minimum s | ratio |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        print(
            "| \(requests) | \(limit) | \(String(format: "%.1f", offset)) | \(succeeded) | \(posts) | "
                + "\(throttled) (\(String(format: "%.1f", share))%) | "
                + String(format: "%.1f | %.1f | %.2f |", seconds, least, least > 0 ? seconds / least : 0)
        )
    }

    /// Sends `requests` replays through the sockets in turn, `concurrency` at a time, each under its own key; a
    /// 202, 409 or 503 is asked again after 200 ms. Returns how many ended 201.
    private func burst(client: CurlClient, sockets: [String]) async throws -> Int {
        let total = requests
        let run = UUID().uuidString.prefix(8)
        return try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0
            var done = 0
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let request = HTTPRequest(
                        method: "POST",
                        url: "http://localhost/v1/runs/run_failed_1/replay",
                        headers: ["Idempotency-Key": "pacing-\(run)-\(index)"],
                        unixSocketPath: sockets[index % sockets.count]
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
    }

    /// The simulator's monotonic clock, which its limiters' aligned windows are measured on.
    private static func simulatorMilliseconds(_ client: CurlClient, _ simulatorURL: String) async throws -> Int64 {
        let response = try await client.send(HTTPRequest(method: "GET", url: simulatorURL + "/_sim/clock"))
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        guard let value = (object?["monotonic_ms"] as? NSNumber)?.int64Value else {
            throw BenchError("GET /_sim/clock answered \(response.status) without monotonic_ms")
        }
        return value
    }

    /// The replay POSTs the simulator has seen so far, answered or refused.
    private static func replayPosts(_ client: CurlClient, _ simulatorURL: String) async throws -> Int {
        let counts = try await client.send(HTTPRequest(method: "GET", url: simulatorURL + "/_sim/requests"))
        let byRoute =
            ((try? JSONSerialization.jsonObject(with: Data(counts.body))) as? [String: Any])?["by_route"]
            as? [String: Any]
        return (byRoute?["POST /v1/runs/{runID}/replay"] as? NSNumber)?.intValue ?? 0
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
