import Audit
import AuditTestSupport
import Curl
import Foundation
import Ingress
import Logging
import NIOPosix
import ReplayCore
import ServiceLifecycle
import Strait
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs a real `SocketServer` on a temp socket with a scripted upstream, for one test.
final class SocketDoorHarness: Sendable {
    let directory: String
    let socketPath: String
    let server: SocketServer
    /// The router behind the server, for tests that call it without a socket.
    let router: SocketRouter
    let audit: TestAuditTrail
    /// The pipeline behind the router, and the state store (for doors and routes a test builds itself).
    let pipeline: ReplayPipeline
    let store: SQLiteReplayStore
    private let group: ServiceGroup
    private let upstreamCalls = CallLog()
    private let runTask: Mutex<Task<Void, any Error>?> = Mutex(nil)

    /// What the scripted upstream does with a replay.
    typealias Upstream = @Sendable (_ url: String, _ headers: HTTPHeaders) async throws(CurlError) -> HTTPResponse

    /// The upstream's default answer: a new queued run.
    static let createdRun = HTTPResponse(
        status: 201,
        headers: ["Content-Type": "application/json"],
        body: Array(
            #"{"id":"new-run","job_id":"job-1","project_id":"proj-1","status":"queued","attempt":1,"triggered_by":"manual","priority":0,"job_version":1,"debug_mode":false,"lineage_depth":0,"created_at":"2026-05-01T12:00:00Z"}"#
                .utf8
        )
    )

    static func newDirectory() -> String {
        let path = "/tmp/replayd-test-\(UUID().uuidString.prefix(8).lowercased())"
        return path
    }

    init(
        mappings: [PrincipalConfig]? = nil,
        policy: any ReplayPolicy = MappedPrincipalsPolicy(),
        configure: (inout SocketServerConfiguration) -> Void = { _ in },
        directory: String = SocketDoorHarness.newDirectory(),
        auditWriteFaults: any AuditWriteFaults = NoAuditWriteFaults(),
        operations: (ReplayPipeline, TestAuditTrail) -> OperationsEndpoints = { _, _ in OperationsEndpoints() },
        limits: LimitsConfig? = nil,
        limitsClock: any ReplayClock = ManualReplayClock(),
        upstream: @escaping Upstream = { _, _ in SocketDoorHarness.createdRun }
    ) throws {
        self.directory = directory
        self.socketPath = directory + "/sock/replayd.sock"
        var configuration = SocketServerConfiguration(path: socketPath)
        configure(&configuration)
        let calls = upstreamCalls
        let http = ClosureHTTPClient { request throws(CurlError) in
            calls.append(request.url)
            return try await upstream(request.url, request.headers)
        }
        let health = UpstreamHealth(now: { 0 })
        var silent = Logger(label: "test")
        silent.logLevel = .critical
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteReplayStore(path: directory + "/replayd.sqlite", logger: silent)
        self.store = store
        let clock = ManualReplayClock(autoAdvance: true)
        let audit = TestAuditTrail(directory: directory, clock: clock, writeFaults: auditWriteFaults, logger: silent)
        self.audit = audit
        let strait = StraitClient(baseURL: "http://127.0.0.1:9", apiKey: StraitAPIKey("strait_test"), http: http)
        let engine = ReplayEngine(
            store: AuditedReplayStore(store, auditor: audit.auditor),
            upstream: strait,
            auditor: audit.auditor,
            clock: clock,
            waitClock: ManualReplayClock(),
            settings: ReplayEngineSettings(
                coalesceWindow: .zero,
                deadline: .seconds(90),
                retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10), maxDelay: .milliseconds(10))
            ),
            health: health,
            logger: silent
        )
        let pipeline = ReplayPipeline(
            authenticator: DirectoryPeerAuthenticator(
                directory: PrincipalDirectory(
                    mappings: mappings ?? [PrincipalConfig(name: "tester", unixUIDs: [getuid()])]
                )
            ),
            policy: policy,
            engine: engine,
            limiter: limits.map { RateLimiter(configuration: $0, clock: limitsClock) },
            inFlight: limits.map { InFlightLimiter(maxPerPrincipal: $0.maxInFlightPerPrincipal) }
        )
        self.pipeline = pipeline
        router = SocketRouter(
            pipeline: pipeline,
            info: GatewayInfo(version: "test", startedAtUnixSeconds: 0, startedAt: .now, socketPath: socketPath),
            health: health,
            runs: strait,
            operations: operations(pipeline, audit)
        )
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server = SocketServer(
            configuration: configuration,
            router: router,
            group: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        let drivers = ReplayDriverService(engine: engine, grace: .zero, clock: ManualReplayClock(), logger: logger)
        group = ServiceGroup(services: [drivers, server], gracefulShutdownSignals: [], logger: logger)
    }

    /// Starts the server and waits until it listens.
    func start() async {
        let group = self.group
        runTask.withLock { $0 = Task { try await group.run() } }
        await server.waitUntilListening()
    }

    /// Triggers graceful shutdown and waits for the server to finish.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await runTask.withLock { $0 }?.value
        await audit.log.close()
    }

    var upstreamURLs: [String] { upstreamCalls.all }

    /// Returns once the server counts `count` connections (it registers a connection after `accept`, on its own
    /// schedule). The limit is a hang guard of minutes, not an assertion.
    func waitForConnections(_ count: Int) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(180)
        while server.connectionCount < count {
            guard clock.now < deadline else {
                throw RawSocketClient.Failure(description: "never saw \(count) connections")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func cleanUp() {
        _ = try? FileManager.default.removeItem(atPath: directory)
    }
}

/// A thread-safe list of upstream URLs called.
final class CallLog: Sendable {
    private let calls = Mutex<[String]>([])
    func append(_ url: String) { calls.withLock { $0.append(url) } }
    var all: [String] { calls.withLock { $0 } }
}
