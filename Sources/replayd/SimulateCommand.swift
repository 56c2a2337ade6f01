import ArgumentParser
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import StraitSimulator

/// `replayd simulate`: a faithful local Strait for demos, tests and benchmarks.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the bundled Strait simulator (the replay, run and checkpoint routes, with fault injection).",
        discussion: """
            Prints `listening on http://HOST:PORT` on stdout once bound (port 0 picks a free port). Control routes:
            POST/GET/DELETE /_sim/faults, GET /_sim/replays, GET /_sim/requests, POST /_sim/reset.
            See docs/simulator.md. The fixtures' demo write key is \(SimulatorFixtures.demoWriteKey) (fake).

            Examples:
              replayd simulate
              replayd simulate --listen 127.0.0.1:0 --faults faults.json --key-rate-limit 0
              curl -X POST localhost:18080/_sim/faults -d '{"faults":[{"kind":"latency","ms":5000,"count":1}]}'
            """
    )

    @Option(name: .long, help: ArgumentHelp("Address to listen on.", valueName: "host:port"))
    var listen: String = "127.0.0.1:18080"

    @Option(
        name: .long,
        help: ArgumentHelp("A fixtures JSON file (default: the built-in demo data).", valueName: "file")
    )
    var fixtures: String?

    @Option(name: .long, help: ArgumentHelp("A fault plan JSON file to start with.", valueName: "file"))
    var faults: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Requests per minute per client IP, like Strait's default (0 turns it off).", valueName: "n")
    )
    var ipRateLimit: Int = 100

    @Option(
        name: .long,
        help: ArgumentHelp("Default requests per minute per API key (0 turns it off).", valueName: "n")
    )
    var keyRateLimit: Int = 1000

    @Flag(name: .long, help: "Turn off the per-IP lockout after repeated failed authentications.")
    var noAuthLockout = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Self.parseListen(listen) != nil else {
            throw ValidationError("--listen must be HOST:PORT, such as 127.0.0.1:18080 (got \"\(listen)\")")
        }
        guard ipRateLimit >= 0, keyRateLimit >= 0 else { throw ValidationError("rate limits must be 0 or more") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        guard let (host, port) = Self.parseListen(listen), let level = Logger.Level(rawValue: logLevel) else { return }
        let output = LogOutput()
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: level, format: .text, output: output) }
        let logger = Logger(label: "replayd.simulator")

        let loadedFixtures: SimulatorFixtures
        let plan: SimulatorFaultPlan
        do {
            loadedFixtures = try fixtures.map { try SimulatorFixtures.load(path: $0) } ?? .demo
            plan = try faults.map { try SimulatorFaultPlan.load(path: $0) } ?? .none
        } catch {
            FileHandle.standardError.write(Data("replayd simulate: \(error)\n".utf8))
            throw ExitCode(3)
        }
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let simulator = StraitSimulator(
            configuration: SimulatorConfiguration(
                host: host,
                port: port,
                perIPRateLimit: .init(requests: ipRateLimit, window: .seconds(60)),
                apiKeyRateLimit: .init(requests: keyRateLimit, window: .seconds(60)),
                authLockoutEnabled: !noAuthLockout
            ),
            fixtures: loadedFixtures,
            faults: plan,
            logger: logger,
            eventLoopGroup: eventLoops
        )
        let services = ServiceGroup(
            configuration: .init(
                services: [.init(service: simulator)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        do {
            // The announcement is a child task: it ends with the services (the address wait is cancellable).
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    guard let address = try? await simulator.listeningAddress() else { return }
                    FileHandle.standardOutput.write(
                        Data("listening on http://\(address.host):\(address.port)\n".utf8)
                    )
                }
                try await services.run()
                group.cancelAll()
            }
        } catch {
            try? await eventLoops.shutdownGracefully()
            FileHandle.standardError.write(Data("replayd simulate: \(error)\n".utf8))
            throw ExitCode(1)
        }
        try? await eventLoops.shutdownGracefully()
    }

    static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            return nil
        }
        return (host, port)
    }
}
