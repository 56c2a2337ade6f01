import AuditTestSupport
import Curl
import Foundation
import Logging
import ReplayCore
import ServiceLifecycle
import Strait
import StraitSimulator
import Synchronization
import Testing

/// An engine wired to real parts: a SQLite store in a temp dir, our libcurl client, and the Strait simulator on an
/// ephemeral port. Time for retries comes from `clock`; the caller's wait from `waitClock`, which never moves
/// unless a test advances it.
final class EngineHarness: Sendable {
    let directory: String
    let simulator: StraitSimulator
    let store: SQLiteReplayStore
    let audit: TestAuditTrail
    let engine: ReplayEngine
    let clock: ManualReplayClock
    let waitClock: ManualReplayClock
    let http: CurlClient
    let baseURL: String
    let settings: ReplayEngineSettings
    private let simulatorTask: Task<Void, any Error>

    static let principal = Principal(
        name: "alice",
        authentication: .unixPeer(PeerCredentials(uid: 1000, gid: 1000, pid: 1), matchedBy: "test")
    )

    static func with(
        faults: SimulatorFaultPlan = .none,
        settings: ReplayEngineSettings = EngineHarness.defaultSettings,
        autoAdvance: Bool = true,
        attemptTimeout: Duration = .seconds(120),
        breakerFailures: Int = 5,
        runsDrivers: Bool = true,
        _ body: (EngineHarness) async throws -> Void
    ) async throws {
        let harness = try await EngineHarness(
            faults: faults,
            settings: settings,
            autoAdvance: autoAdvance,
            attemptTimeout: attemptTimeout,
            breakerFailures: breakerFailures
        )
        do {
            if runsDrivers {
                try await Self.withDrivers(of: harness.engine) { try await body(harness) }
            } else {
                try await body(harness)
            }
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }

    /// Runs `body` while `engine`'s replay drivers run, as the daemon's ``ReplayDriverService`` runs them; the
    /// drivers are cancelled when `body` returns.
    static func withDrivers<T: Sendable>(
        of engine: ReplayEngine,
        _ body: () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await ReplayDriverService(
                    engine: engine,
                    grace: .zero,
                    clock: ManualReplayClock(),
                    logger: Logger(label: "engine-test")
                ).run()
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    static var defaultSettings: ReplayEngineSettings {
        ReplayEngineSettings(
            wait: .seconds(30),
            coalesceWindow: .zero,
            deadline: .seconds(600),
            reconcileHorizon: .seconds(3600),
            retry: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(250), maxDelay: .seconds(30))
        )
    }

    private init(
        faults: SimulatorFaultPlan,
        settings: ReplayEngineSettings,
        autoAdvance: Bool,
        attemptTimeout: Duration,
        breakerFailures: Int
    ) async throws {
        directory = NSTemporaryDirectory() + "replayd-engine-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "engine-test")
        logger.logLevel = .critical
        simulator = StraitSimulator(
            configuration: SimulatorConfiguration(
                port: 0,
                perIPRateLimit: .disabled,
                apiKeyRateLimit: .disabled,
                stallTimeout: .seconds(60)
            ),
            faults: faults,
            logger: logger
        )
        let simulator = self.simulator
        simulatorTask = Task { try await simulator.run() }
        let address = try await simulator.listeningAddress()
        baseURL = "http://\(address.host):\(address.port)"
        store = try SQLiteReplayStore(path: directory + "/replayd.sqlite", logger: logger)
        // The attempt timeout is this client's only bound: libcurl's 15 s low-speed window is off. The simulator
        // runs on this process's cooperative pool, which a full suite keeps hundreds of tests deep, so it can be
        // slower than 15 s to answer; a loaded run saw lookups fail that way as `upstream_unreachable`.
        var curl = CurlClientConfiguration()
        curl.totalTimeout = attemptTimeout
        curl.lowSpeedLimitBytesPerSecond = 0
        http = try CurlClient(configuration: curl, logger: logger)
        clock = ManualReplayClock(autoAdvance: autoAdvance)
        waitClock = ManualReplayClock()
        var settings = settings
        settings.attemptTimeout = attemptTimeout
        self.settings = settings
        audit = TestAuditTrail(directory: directory, clock: clock, logger: logger)
        engine = ReplayEngine(
            store: AuditedReplayStore(store, auditor: audit.auditor),
            upstream: StraitClient(
                baseURL: baseURL,
                apiKey: StraitAPIKey(SimulatorFixtures.demoWriteKey),
                http: http
            ),
            auditor: audit.auditor,
            clock: clock,
            waitClock: waitClock,
            jitter: HalfJitter(),
            settings: settings,
            health: UpstreamHealth(now: { 0 }),
            guards: .standard(clock: clock, breakerFailures: breakerFailures),
            logger: logger
        )
    }

    /// The harness's store behind the audit trail, as its engines use it.
    var auditedStore: AuditedReplayStore { AuditedReplayStore(store, auditor: audit.auditor) }

    /// A new engine on the same store, upstream and clocks, as after a restart of the process (its drivers are
    /// not running until a ``ReplayDriverService`` runs them), with `guards` (by default fresh ones), on `store`
    /// (by default ``auditedStore``; a test double that watches the calls wraps that).
    func restartedEngine(guards: UpstreamGuards? = nil, store: (any ReplayStore)? = nil) -> ReplayEngine {
        var logger = Logger(label: "engine-test")
        logger.logLevel = .critical
        return ReplayEngine(
            store: store ?? auditedStore,
            upstream: StraitClient(baseURL: baseURL, apiKey: StraitAPIKey(SimulatorFixtures.demoWriteKey), http: http),
            auditor: audit.auditor,
            clock: clock,
            waitClock: waitClock,
            jitter: HalfJitter(),
            settings: settings,
            health: UpstreamHealth(now: { 0 }),
            guards: guards ?? .standard(clock: clock),
            logger: logger
        )
    }

    /// Requests the simulator has seen for `route` (e.g. `GET /v1/runs`).
    func requests(_ route: String) -> Int {
        simulator.requestCounts().byRoute[route] ?? 0
    }

    func shutdown() async {
        await audit.log.close()
        simulatorTask.cancel()
        _ = try? await simulatorTask.value
        await http.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A replay request from the socket door.
    func request(
        _ runID: String,
        key: String? = nil,
        checkpoint: Int64? = nil,
        force: Bool = false
    ) throws -> ReplayRequest {
        ReplayRequest(
            runID: try RunID(runID),
            fromCheckpoint: try checkpoint.map { try CheckpointSequence($0) },
            idempotencyKey: key,
            force: force,
            origin: RequestOrigin(door: .socket, requestID: "rq_\(UUID().uuidString.prefix(12).lowercased())")
        )
    }

    func submit(_ request: ReplayRequest) async -> ReplaySubmission {
        await engine.submit(request, principal: Self.principal, logger: Logger(label: "engine-test"))
    }

    /// Runs the simulator created for `runID` (all keys, all attempts).
    func runsCreated(for runID: String) -> Int {
        simulator.replayCounts().byOriginalRun[runID] ?? 0
    }

    /// Reads the record `id` until it is final, and returns it; gives up after five minutes, a hang guard (not a
    /// timing assertion): the background driver gets there in milliseconds on an idle machine.
    func finalRecord(_ id: ReplayRecordID) async throws -> ReplayRecord? {
        let deadline = ContinuousClock.now + .seconds(300)
        var record = try await engine.record(id)
        while record?.state.isFinal != true, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
            record = try await engine.record(id)
        }
        return record
    }

    /// Waits until a driver sleeps on the injected clock; gives up after five minutes (a hang guard).
    func waitForSleeper() async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        while clock.sleeperCount == 0 {
            guard ContinuousClock.now < deadline else {
                Issue.record("no driver ever slept on the test clock")
                return
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// POSTs the simulator saw on the replay route.
    var replayPOSTs: Int {
        simulator.requestCounts().byRoute["POST /v1/runs/{runID}/replay"] ?? 0
    }
}

/// Jitter of one half: backoff delays are exactly half their ceiling.
struct HalfJitter: JitterSource {
    func nextFraction() -> Double { 0.5 }
}

extension ReplaySubmission {
    /// The record, whatever the case.
    var record: ReplayRecord? {
        switch self {
        case .completed(let record, _), .inProgress(let record), .keyReused(let record), .pending(let record):
            return record
        case .rejected:
            return nil
        }
    }

    /// The JobRun of a successful final record.
    var run: JobRun? {
        guard case .completed(let record, _) = self, record.state == .succeeded, let body = record.responseBody else {
            return nil
        }
        return try? JSONDecoder().decode(JobRun.self, from: Data(body))
    }
}
