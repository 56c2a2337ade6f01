import Curl
import Ingress
import Logging
import NIOPosix
import ReplayCore
import ServiceLifecycle
import Synchronization

/// Runs a real `WebhookServer` on 127.0.0.1 (an ephemeral port) with a stub handler and a manual clock, and
/// talks to it through the real `CurlClient`.
final class WebhookServerHarness: Sendable {
    let server: WebhookServer
    let handler: WebhookStubHandler
    let clock: ManualReplayClock
    private let group: ServiceGroup
    private let client: CurlClient
    private let runTask: Mutex<Task<Void, any Error>?> = Mutex(nil)
    private let boundPort = Mutex<Int>(0)

    init(
        sources: Set<String> = ["slack", "github"],
        handler: WebhookStubHandler = WebhookStubHandler(),
        port: Int = 0,
        configure: (inout WebhookServerConfiguration) throws -> Void = { _ in }
    ) throws {
        var configuration = WebhookServerConfiguration(host: "127.0.0.1", port: port)
        try configure(&configuration)
        var logger = Logger(label: "webhook-test")
        logger.logLevel = .critical
        let clock = ManualReplayClock()
        self.clock = clock
        self.handler = handler
        server = try WebhookServer(
            configuration: configuration,
            sources: sources,
            handler: handler,
            clock: clock,
            group: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        // Hang guards of minutes: the server under test runs on this process's cooperative pool, which a full
        // suite keeps deep in queued tests.
        var curl = CurlClientConfiguration(connectTimeout: .seconds(120), totalTimeout: .seconds(300))
        curl.lowSpeedLimitBytesPerSecond = 0
        client = try CurlClient(configuration: curl, logger: logger)
    }

    /// Starts the server; returns the bound port.
    @discardableResult
    func start() async throws -> Int {
        let group = self.group
        runTask.withLock { $0 = Task { try await group.run() } }
        let port = try await server.waitUntilListening()
        boundPort.withLock { $0 = port }
        return port
    }

    var port: Int { boundPort.withLock { $0 } }

    /// Triggers graceful shutdown (returns at once).
    func triggerShutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// Waits for the service group to finish.
    func waitUntilStopped() async throws {
        try await runTask.withLock { $0 }?.value
    }

    /// Shuts down gracefully, waits for the server, and stops the HTTP client.
    func stop() async throws {
        await triggerShutdown()
        try await waitUntilStopped()
        await client.shutdown()
    }

    /// One request through the real libcurl client.
    func send(
        _ method: String,
        _ path: String,
        body: [UInt8]? = nil,
        headers: HTTPHeaders = [:]
    ) async throws(CurlError) -> HTTPResponse {
        try await client.send(
            HTTPRequest(method: method, url: "http://127.0.0.1:\(port)\(path)", headers: headers, body: body)
        )
    }

    /// `POST` with a body.
    func post(
        _ path: String,
        _ body: String = "{}",
        headers: HTTPHeaders = ["Content-Type": "application/json"]
    ) async throws(CurlError) -> HTTPResponse {
        try await send("POST", path, body: Array(body.utf8), headers: headers)
    }
}
