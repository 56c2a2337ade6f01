import ArgumentParser
import Curl
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Benchmarks for replayd. Run through `scripts/bench.sh`, which builds release binaries first.
@main
struct ReplaydBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replayd-bench",
        abstract:
            "Measure replayd: added latency, concurrency, pacing, the audit log, webhooks, grants, limits, the store.",
        subcommands: [
            LatencyBench.self, ConcurrencyBench.self, PacingBench.self, AuditBench.self, WebhookBench.self,
            DoorThroughputBench.self, UpstreamBench.self, PolicyBench.self, LimiterBench.self, StoreBench.self,
            PruneBench.self, AuditSeedBench.self,
        ]
    )
}

/// p50/p99 of one replay through the socket vs. the same replay sent straight to the simulator, interleaved.
struct LatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Latency replayd adds to one replay (socket → replayd → simulator vs. client → simulator)."
    )

    @Option(help: "Path to the replayd binary.") var replayd: String
    @Option(help: "Measured replays per path.") var requests = 2000
    @Option(help: "Unmeasured warm-up replays per path.") var warmup = 200
    @Option(help: "replayd's log level during the run.") var logLevel = "info"

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try CurlRuntime.initialize()
        let stack = try BenchStack()
        defer { stack.stop() }
        try stack.start(replayd: replayd, logLevel: logLevel)
        let client = try CurlClient(logger: Logger(label: "bench"))
        let direct = HTTPRequest(
            method: "POST",
            url: stack.simulatorURL + "/v1/runs/run_failed_1/replay",
            headers: ["Accept": "application/json", "Authorization": "Bearer " + BenchStack.demoKey]
        )
        let viaSocket = HTTPRequest(
            method: "POST",
            url: "http://localhost/v1/runs/run_failed_1/replay",
            headers: ["Accept": "application/json"],
            unixSocketPath: stack.socketPath
        )
        var directSamples: [Duration] = []
        var socketSamples: [Duration] = []
        let clock = ContinuousClock()
        for index in 0..<(warmup + requests) {
            for (request, isSocket) in [(direct, false), (viaSocket, true)] {
                let started = clock.now
                let response = try await client.send(request)
                let elapsed = started.duration(to: clock.now)
                guard response.status == 201 else {
                    throw BenchError(
                        "replay answered \(response.status): \(String(decoding: response.body, as: UTF8.self))"
                    )
                }
                if index >= warmup {
                    if isSocket { socketSamples.append(elapsed) } else { directSamples.append(elapsed) }
                }
            }
        }
        await client.shutdown()
        let d = LatencySummary(directSamples)
        let s = LatencySummary(socketSamples)
        func f(_ value: Double) -> String { String(format: "%.0f", value) }
        print("| path | replays | p50 µs | p90 µs | p99 µs | max µs |")
        print("|---|---|---|---|---|---|")
        print("| client → simulator (direct) | \(d.count) | \(f(d.p50)) | \(f(d.p90)) | \(f(d.p99)) | \(f(d.max)) |")
        print(
            "| client → socket → replayd → simulator | \(s.count) | \(f(s.p50)) | \(f(s.p90)) | \(f(s.p99)) | \(f(s.max)) |"
        )
        print("| **added by replayd** | | **\(f(s.p50 - d.p50))** | \(f(s.p90 - d.p90)) | **\(f(s.p99 - d.p99))** | |")
    }
}

/// How many transfers one `CurlClient` network thread keeps in flight at once.
struct ConcurrencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concurrency",
        abstract: "Concurrent in-flight upstream requests on one network thread (the simulator holds each for a while)."
    )

    @Option(help: "Path to the replayd binary.") var replayd: String
    @Option(help: "Comma-separated numbers of concurrent requests.") var levels = "500,1000,2000"
    @Option(help: "How long the simulator holds each request, in ms.") var holdMs = 2000

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        try CurlRuntime.initialize()
        let stack = try BenchStack()
        defer { stack.stop() }
        try stack.start(replayd: replayd, logLevel: "warning")
        var configuration = CurlClientConfiguration()
        configuration.connectTimeout = .seconds(30)
        configuration.totalTimeout = .seconds(120)
        let control = try CurlClient(logger: Logger(label: "bench"))
        _ = try await control.send(
            HTTPRequest(
                method: "POST",
                url: stack.simulatorURL + "/_sim/faults",
                headers: ["Content-Type": "application/json"],
                body: Array(#"{"latency_ms":\#(holdMs),"faults":[]}"#.utf8)
            )
        )
        await control.shutdown()
        print("| concurrent requests | succeeded | peak in flight | network threads | wall time s |")
        print("|---|---|---|---|---|")
        for level in levels.split(separator: ",").compactMap({ Int($0) }) {
            let client = try CurlClient(configuration: configuration, logger: Logger(label: "bench"))
            let request = HTTPRequest(
                method: "GET",
                url: stack.simulatorURL + "/v1/runs/run_failed_1",
                headers: ["Accept": "application/json", "Authorization": "Bearer " + BenchStack.demoKey]
            )
            let started = ContinuousClock.now
            let succeeded = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<level {
                    group.addTask { (try? await client.send(request))?.status == 200 }
                }
                var count = 0
                for await ok in group where ok { count += 1 }
                return count
            }
            let wall = started.duration(to: .now)
            let diagnostics = client.diagnostics
            await client.shutdown()
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            print(
                "| \(level) | \(succeeded) | \(diagnostics.peakInFlight) | \(diagnostics.handleThreadIDs.count) | "
                    + String(format: "%.2f", seconds) + " |"
            )
        }
    }
}
