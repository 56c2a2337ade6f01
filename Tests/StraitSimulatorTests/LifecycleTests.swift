import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import StraitSimulator
import Testing

/// Starting, stopping and serving connections.
@Suite struct LifecycleTests {
    private static var logger: Logger {
        var logger = Logger(label: "strait-simulator-tests")
        logger.logLevel = .critical
        return logger
    }

    @Test func gracefulShutdownEndsRun() async throws {
        let simulator = StraitSimulator(configuration: SimulatorHarness.testConfiguration, logger: Self.logger)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await simulator.run() }
                let address = try await simulator.listeningAddress()
                #expect(address.port > 0)
                #expect(address.host == "127.0.0.1")
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        let error = await #expect(throws: SimulatorError.self) { try await simulator.listeningAddress() }
        #expect(error?.code == .notRunning)
    }

    @Test func serviceGroupRunsTheSimulator() async throws {
        let simulator = StraitSimulator(configuration: SimulatorHarness.testConfiguration, logger: Self.logger)
        let group = ServiceGroup(services: [simulator], logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let address = try await simulator.listeningAddress()
            let outcome = try await RawHTTPClient.exchange(
                host: address.host,
                port: address.port,
                request: Array("GET /_sim/replays HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8),
                timeout: SimulatorHarness.hangGuard
            )
            guard case .responses(let responses) = outcome else {
                Issue.record("no response: \(outcome)")
                return
            }
            #expect(responses.first?.status == 200)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func bindFailureIsReported() async throws {
        try await SimulatorHarness.with { sim in
            var configuration = SimulatorHarness.testConfiguration
            configuration.port = sim.port
            let second = StraitSimulator(configuration: configuration, logger: Self.logger)
            let runError = await #expect(throws: SimulatorError.self) { try await second.run() }
            #expect(runError?.code == .bindFailed)
            let addressError = await #expect(throws: SimulatorError.self) { try await second.listeningAddress() }
            #expect(addressError?.code == .bindFailed)
        }
    }

    @Test func keepAliveServesPipelinedRequestsInOrder() async throws {
        try await SimulatorHarness.with { sim in
            let auth = "Authorization: Bearer \(DemoKeys.write)\r\n"
            let request =
                "POST /v1/runs/run_failed_1/replay HTTP/1.1\r\nHost: x\r\n\(auth)X-Request-Id: one\r\n\r\n"
                + "GET /v1/runs/no_such_run HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
                + "GET /_sim/replays HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let outcome = try await RawHTTPClient.exchange(
                host: sim.host,
                port: sim.port,
                request: Array(request.utf8),
                timeout: SimulatorHarness.hangGuard
            )
            guard case .responses(let responses) = outcome else {
                Issue.record("no responses: \(outcome)")
                return
            }
            #expect(responses.map(\.status) == [201, 404, 200])
            #expect(responses.last?.header("Connection") == "close")
        }
    }

    @Test func listeningAddressWaitsForTheBind() async throws {
        let simulator = StraitSimulator(configuration: SimulatorHarness.testConfiguration, logger: Self.logger)
        // The simulator starts only once the address is being asked for (signalled, not slept for).
        let (asking, asked) = AsyncStream.makeStream(of: Void.self)
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                asked.yield()
                return try await simulator.listeningAddress().port
            }
            for await _ in asking { break }
            group.addTask {
                try await simulator.run()
                return 0
            }
            let port = try await group.next()
            #expect(port.map { $0 > 0 } == true)
            group.cancelAll()
        }
    }

    @Test func waitingForTheAddressCanBeCancelled() async throws {
        let simulator = StraitSimulator(configuration: SimulatorHarness.testConfiguration, logger: Self.logger)
        let waiter = Task { try await simulator.listeningAddress() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }
}
