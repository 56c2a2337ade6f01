import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Strait
import Synchronization

/// A faithful local Strait for tests, demos and benchmarks: `POST /v1/runs/{runID}/replay`, `GET /v1/runs/{runID}`,
/// `GET /v1/runs` and `GET /v1/runs/{runID}/checkpoints` over HTTP/1.1, with Strait's checks in Strait's order
/// (spec §2), its error envelope, its 201 body, fault injection and counters.
///
/// Run it as a swift-service-lifecycle `Service`; ``run()`` returns on graceful shutdown or cancellation.
/// ```swift
/// let simulator = StraitSimulator(configuration: .init(port: 0), fixtures: .demo, faults: .none,
///                                 clock: SystemSimulatorClock(), logger: logger)
/// let group = ServiceGroup(services: [simulator], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
/// Control routes (no auth): `GET|POST|DELETE /_sim/faults`, `GET /_sim/replays`, `GET /_sim/requests`,
/// `POST /_sim/reset`. See `docs/simulator.md`.
public final class StraitSimulator: Service, Sendable {
    /// The configuration the simulator was created with.
    public let configuration: SimulatorConfiguration
    let clock: any SimulatorClock
    let logger: Logger
    let eventLoopGroup: any EventLoopGroup
    let store: Mutex<SimulatorStore>
    let address = ListeningAddressBox()

    /// Creates a simulator. Nothing listens until ``run()``.
    ///
    /// - Parameters:
    ///   - configuration: Address and limits.
    ///   - fixtures: The data to serve (validated by ``SimulatorFixtures/load(path:)``; call
    ///     ``SimulatorFixtures/validate()`` for fixtures built in code).
    ///   - faults: The initial fault plan; ``reset()`` returns to it.
    ///   - clock: The time source of limiters, lockouts and timestamps.
    ///   - logger: Where the simulator logs (requests at `debug`, lifecycle at `info`).
    ///   - eventLoopGroup: The NIO event loops to serve on.
    public init(
        configuration: SimulatorConfiguration = SimulatorConfiguration(),
        fixtures: SimulatorFixtures = .demo,
        faults: SimulatorFaultPlan = .none,
        clock: any SimulatorClock = SystemSimulatorClock(),
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.store = Mutex(SimulatorStore(configuration: configuration, fixtures: fixtures, faults: faults))
    }

    /// The address the simulator listens on, waiting until it is bound.
    ///
    /// - Throws: ``SimulatorError`` (`bind_failed`, or `not_running` after ``run()`` ended), or
    ///   `CancellationError` if the waiting task is cancelled.
    public func listeningAddress() async throws -> (host: String, port: Int) {
        try await address.address()
    }

    /// Replays that created a run so far (including those answered by an after-commit fault).
    public func replayCounts() -> SimulatorReplayCounts {
        store.withLock { $0.replayCounts }
    }

    /// The number of non-`/_sim` requests received so far, whatever their outcome.
    public func requestCount() -> Int {
        store.withLock { $0.requestCounts.total }
    }

    /// Non-`/_sim` requests received so far, by route.
    public func requestCounts() -> SimulatorRequestCounts {
        store.withLock { $0.requestCounts }
    }

    /// Replaces the fault plan (like `POST /_sim/faults`).
    public func setFaults(_ plan: SimulatorFaultPlan) {
        store.withLock { $0.faults = plan }
    }

    /// The rules still armed (like `GET /_sim/faults`).
    public func faults() -> SimulatorFaultPlan {
        store.withLock { $0.faults }
    }

    /// Restores the fixtures and the initial fault plan, and zeroes counters, limiters and lockouts
    /// (like `POST /_sim/reset`).
    public func reset() {
        store.withLock { $0.reset() }
    }

    /// The stored run `id` of any project, including runs created by replays.
    public func storedRun(id: String) -> JobRun? {
        store.withLock { $0.dataset.runs[id] }
    }

    /// Answers one parsed request (everything but the wire).
    func handle(_ request: SimulatorRequest) async -> SimulatorResponse {
        let match = SimulatorRoute.match(method: request.method, path: request.path)
        if case .route(let route) = match, route.isControl {
            let now = SimulatorStore.Now(monotonic: clock.monotonicNow(), unix: clock.unixNow())
            return store.withLock { $0.control(route, request: request, now: now) }
        }
        if SimulatorRoute.isControlPath(request.path) {
            return SimulatorStore.controlMiss(match)
        }

        let arrival = store.withLock { $0.arrive(request, match: match) }
        if arrival.latency > .zero {
            try? await Task.sleep(for: arrival.latency)
        }
        let now = SimulatorStore.Now(monotonic: clock.monotonicNow(), unix: clock.unixNow())
        let response = store.withLock {
            $0.respond(to: request, match: match, requestID: arrival.requestID, now: now)
        }
        logger.debug(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.path)", "status": "\(response.status)",
                "disposition": "\(response.disposition)", "request_id": "\(arrival.requestID)",
            ]
        )
        return response
    }
}
