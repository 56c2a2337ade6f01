import ArgumentParser
import Curl
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The libcurl client alone against an upstream (nginx with TLS, say): what keeping connections for replay POSTs
/// saves in handshakes, throughput and CPU.
struct UpstreamBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upstream",
        abstract: "Replay POSTs from the libcurl client straight to an upstream, with or without connection reuse."
    )

    @Option(help: "The upstream root, e.g. https://127.0.0.1:8443.") var url: String
    @Option(help: "A PEM CA bundle to verify the upstream's certificate against (a self-signed test CA).")
    var caFile: String?
    @Option(help: "Measured requests.") var requests = 5000
    @Option(help: "Unmeasured warm-up requests.") var warmup = 200
    @Option(help: "Requests in flight at once.") var concurrency = 1
    @Option(help: "Keep connections for the POSTs: on or off (off is a TCP and TLS handshake per request).")
    var reuse = "on"

    func validate() throws {
        guard reuse == "on" || reuse == "off" else {
            throw ValidationError("--reuse must be on or off")
        }
        guard requests > 0, concurrency > 0, warmup >= 0 else {
            throw ValidationError("--requests and --concurrency must be positive, --warmup not negative")
        }
    }

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        try CurlRuntime.initialize()
        var configuration = CurlClientConfiguration()
        configuration.caBundlePath = caFile
        configuration.maxCachedConnections = max(32, concurrency)
        let client = try CurlClient(configuration: configuration, logger: Logger(label: "bench"))
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        let request = HTTPRequest(
            method: "POST",
            url: base + "/v1/runs/run_failed_1/replay",
            headers: ["Accept": "application/json", "Authorization": "Bearer " + BenchStack.demoKey],
            connectionReuse: reuse == "on" ? .reuseWithoutResend : .automatic
        )

        _ = try await Self.drive(client, request, count: warmup, concurrency: concurrency)
        let cpuBefore = Self.cpuMicroseconds()
        let started = ContinuousClock.now
        let tally = try await Self.drive(client, request, count: requests, concurrency: concurrency)
        let wall = started.duration(to: .now)
        let cpu = Self.cpuMicroseconds() - cpuBefore
        await client.shutdown()

        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let latency = LatencySummary(tally.latencies)
        func f(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
        print(
            "| reuse | conc | requests | req/s | p50 µs | p99 µs | CPU µs/req | new conns | TLS handshake µs (mean) |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        let handshake = tally.handshakes == 0 ? 0 : tally.handshakeMicroseconds / Double(tally.handshakes)
        print(
            "| \(reuse) | \(concurrency) | \(requests) | \(f(Double(requests) / seconds)) | \(f(latency.p50)) "
                + "| \(f(latency.p99)) | \(f(Double(cpu) / Double(requests), 1)) | \(tally.newConnections) "
                + "| \(f(handshake)) |"
        )
    }

    private struct Tally: Sendable {
        var latencies: [Duration] = []
        var newConnections = 0
        var handshakes = 0
        var handshakeMicroseconds = 0.0
    }

    /// Sends `count` requests, `concurrency` at a time; every answer must be a 201.
    private static func drive(
        _ client: CurlClient,
        _ request: HTTPRequest,
        count: Int,
        concurrency: Int
    ) async throws -> Tally {
        guard count > 0 else { return Tally() }
        return try await withThrowingTaskGroup(of: Tally.self) { group in
            let lanes = min(concurrency, count)
            for lane in 0..<lanes {
                let share = count / lanes + (lane < count % lanes ? 1 : 0)
                group.addTask {
                    var tally = Tally()
                    tally.latencies.reserveCapacity(share)
                    let clock = ContinuousClock()
                    for _ in 0..<share {
                        let sent = clock.now
                        let response = try await client.send(request)
                        tally.latencies.append(sent.duration(to: clock.now))
                        guard response.status == 201 else {
                            throw BenchError("the upstream answered \(response.status)")
                        }
                        if !response.facts.connectionReused {
                            tally.newConnections += 1
                            let timings = response.facts.timings
                            if timings.tlsHandshake > timings.connect {
                                tally.handshakes += 1
                                let tls = timings.tlsHandshake - timings.connect
                                tally.handshakeMicroseconds +=
                                    Double(tls.components.seconds) * 1e6 + Double(tls.components.attoseconds) / 1e12
                            }
                        }
                    }
                    return tally
                }
            }
            var total = Tally()
            for try await part in group {
                total.latencies += part.latencies
                total.newConnections += part.newConnections
                total.handshakes += part.handshakes
                total.handshakeMicroseconds += part.handshakeMicroseconds
            }
            return total
        }
    }

    /// User plus system CPU time of this process so far, in microseconds.
    private static func cpuMicroseconds() -> Int {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func micros(_ time: timeval) -> Int { Int(time.tv_sec) * 1_000_000 + Int(time.tv_usec) }
        return micros(usage.ru_utime) + micros(usage.ru_stime)
    }
}
