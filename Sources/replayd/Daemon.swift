import Audit
import Curl
import Foundation
import HTTPServer
import Ingress
import Logging
import NIOCore
import NIOPosix
import ReplayCore
import ServiceLifecycle
import Strait

/// Wires config into the running daemon: libcurl client → Strait client → pipeline → socket door, each a
/// dependency passed through `init`, then runs the services until a signal asks them to stop.
struct Daemon {
    let settings: ReplaydConfig
    let logger: Logger
    /// The config file `settings` came from, re-read on SIGHUP; `nil` leaves SIGHUP logged and ignored.
    var configPath: String? = nil

    func run() async throws {
        // SIGHUP is trapped first, so that from here on it is handled instead of killing the daemon.
        var hangups = await HangupService.trapping(logger: logger)
        let systemd = try systemdIntegration()
        // First, before anything is written: one replayd per socket. A refused second instance must not touch the
        // live audit log or the store (issue 9), so the lock comes before both are opened. It is held until the
        // process ends; the socket door uses it rather than taking its own.
        let accounts = SystemUnixAccounts()
        let trust = FileTrust.system()
        let socketGroupID = try resolveGroup(accounts: accounts)
        let instanceLock: InstanceLock
        do {
            instanceLock = try InstanceLock.acquire(
                socketPath: settings.socket.path,
                groupID: socketGroupID,
                trust: trust
            )
        } catch {
            throw DaemonStartError(message: error.message)
        }
        defer { instanceLock.release() }
        try checkFiles(trust: trust)

        do {
            try CurlRuntime.initialize()
        } catch {
            throw DaemonStartError(message: "libcurl: \(error.message)")
        }
        let clock = SystemReplayClock()
        // Everything a reload swaps, built once here and again by each reload; requests read it at their start.
        let initial: LiveConfig
        do {
            initial = try LiveConfig.build(
                settings: settings,
                digest: configPath.map(ConfigReloader.digest(ofFileAt:)) ?? "none",
                accounts: accounts,
                clock: clock
            )
        } catch {
            throw DaemonStartError(message: error.messages.joined(separator: "; "))
        }
        let live = ReloadableState(initial)
        if !initial.apiKey.hasStraitFormat {
            logger.warning("the upstream API key does not look like a Strait key (strait_ + 64 hex characters)")
        }

        var curlConfiguration = CurlClientConfiguration()
        curlConfiguration.connectTimeout = settings.upstream.connectTimeout
        curlConfiguration.totalTimeout = settings.upstream.timeout
        curlConfiguration.lowSpeedLimitBytesPerSecond = settings.upstream.lowSpeedLimit
        curlConfiguration.lowSpeedTime = settings.upstream.lowSpeedTime
        curlConfiguration.maxResponseBodyBytes = settings.upstream.maxResponseSize
        curlConfiguration.allowInsecureHTTP = settings.upstream.allowInsecureHTTP
        curlConfiguration.caBundlePath = settings.upstream.caFile
        curlConfiguration.userAgent = "replayd/\(ReplaydVersion.current)"
        let http: CurlClient
        do {
            http = try CurlClient(configuration: curlConfiguration, logger: Logger(label: "replayd.curl"))
        } catch {
            throw DaemonStartError(message: "cannot start the HTTP client: \(error.message)")
        }

        let health = UpstreamHealth(now: { Int64(Date().timeIntervalSince1970) })
        for warning in initial.directory.unresolved {
            logger.warning("a principal mapping does not resolve", metadata: ["detail": "\(warning)"])
        }
        let (auditLog, auditKey) = try openAuditLog()
        let (metricsRegistry, metrics) = Self.makeMetrics(sources: Set(settings.sources.map(\.name)))
        let auditor = ReplayAuditor(
            sink: MeteredAuditSink(auditLog, metrics: metrics),
            key: auditKey,
            clock: clock,
            denialInterval: settings.audit.denialInterval,
            logger: Logger(label: "replayd.audit"),
            metrics: metrics
        )
        let (store, stateServices, stateReadiness, storedPauses) = try await openStateStore()
        let pauseGate = ReplayPauseGate(store: store)
        pauseGate.restore(storedPauses)
        if pauseGate.isPaused {
            logger.notice(
                "replays are paused (since before this start); replayctl resume releases them",
                metadata: ["pauses": "\(pauseGate.current.map(\.scope.storageKey).joined(separator: ","))"]
            )
        }
        let crash = CrashPoint(environment: ProcessInfo.processInfo.environment)
        if let phase = crash.phase {
            logger.warning(
                "REPLAYD_CRASH_AT is set: this process will kill itself (testing only)",
                metadata: ["phase": "\(phase.rawValue)"]
            )
        }
        // The key is read at each call, so a reload rotates it without rebuilding the client or the engine.
        let strait = StraitClient(
            baseURL: settings.upstream.baseURL,
            currentAPIKey: { live.current.apiKey },
            http: http
        )
        // On PostgreSQL every instance using the key paces on one shared schedule; on SQLite the pacer is alone.
        var fleetBudget: PostgresUpstreamBudget?
        var budgetServices: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let postgres = store as? PostgresReplayStore {
            let fleet = PostgresUpstreamBudget(
                client: postgres.client,
                keyHash: { PostgresUpstreamBudget.keyHash(of: live.current.apiKey) },
                clock: clock,
                logger: Logger(label: "replayd.upstream-budget"),
                metrics: metrics
            )
            fleetBudget = fleet
            budgetServices = [.init(service: fleet)]
        }
        let guards = UpstreamGuards.standard(
            clock: clock,
            breakerFailures: settings.replays.breakerFailures,
            breakerOpenTime: settings.replays.breakerOpenTime,
            fleet: fleetBudget,
            pacerLogger: Logger(label: "replayd.pacer")
        )
        let pacer = guards.pacer
        let budgetSample: (@Sendable () async -> UpstreamBudgetState?)? =
            budgetServices.isEmpty ? nil : { @Sendable in await pacer.budgetState() }
        let (fleetView, fleetServices) = fleet(store: store, clock: clock, budget: budgetSample)
        let engine = ReplayEngine(
            store: AuditedReplayStore(store, auditor: auditor),
            upstream: strait,
            auditor: auditor,
            clock: clock,
            settings: ReplayEngineSettings(
                wait: settings.replays.wait,
                coalesceWindow: settings.replays.coalesceWindow,
                deadline: settings.replays.deadline,
                reconcileHorizon: settings.replays.reconcileHorizon,
                retry: RetryPolicy(
                    maxAttempts: settings.upstream.maxAttempts,
                    baseDelay: settings.upstream.retryBaseDelay,
                    maxDelay: settings.upstream.retryMaxDelay
                ),
                reconcileBackoff: RetryPolicy(
                    maxAttempts: 1_000_000,
                    baseDelay: .seconds(1),
                    maxDelay: settings.replays.reconcileMaxDelay
                ),
                maxRetryAfter: settings.replays.maxRetryAfter,
                attemptTimeout: settings.upstream.timeout,
                reconcileSettle: settings.replays.reconcileSettle
            ),
            health: health,
            guards: guards,
            crash: crash,
            pause: pauseGate,
            logger: Logger(label: "replayd.replays")
        )
        let authenticator = CurrentPeerAuthenticator { live.current.directory }
        let runLookup = CachedRunLookup(
            upstream: strait,
            clock: clock,
            ttl: settings.auth.runLookupTTL,
            capacity: settings.auth.runLookupCacheSize
        )
        let policy = CurrentPolicy(runs: runLookup) { live.current.policy }
        // The limiter and the in-flight cap outlive reloads (they hold every key's state); a reload updates them.
        let limiter = RateLimiter(configuration: settings.limits, clock: clock)
        let inFlight = InFlightLimiter(maxPerPrincipal: settings.limits.maxInFlightPerPrincipal)
        let pipeline = ReplayPipeline(
            authenticator: authenticator,
            policy: policy,
            visibility: policy,
            principals: authenticator,
            engine: engine,
            limiter: limiter,
            inFlight: inFlight
        )
        let configCheck = StaticReadinessCheck(name: "config", ok: true, detail: "loaded")
        let operations = OperationsEndpoints(
            readiness: readinessProbe(
                pipeline: pipeline,
                breaker: guards.breaker,
                config: configCheck,
                pause: pauseGate,
                state: stateReadiness
            ),
            metrics: PrometheusExposition(registry: metricsRegistry) { [metrics] in
                Self.sampleGauges(metrics: metrics, pipeline: pipeline, engine: engine, audit: auditLog)
                Self.sampleFleetGauges(metrics: metrics, fleet: fleetView)
            }
        )
        let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let team = try teamServices(
            pipeline: pipeline,
            isPrincipal: { live.current.directory.hasPrincipal(named: $0) },
            store: store,
            auditor: auditor,
            clock: clock,
            trust: trust,
            eventLoops: eventLoops
        )
        let appliers: [any ReloadApplier] = [limiter, inFlight, runLookup] + (team.reloadable.map { [$0] } ?? [])
        let reloader = configPath.map { path in
            ConfigReloader(
                path: path,
                environment: ProcessInfo.processInfo.environment,
                state: live,
                appliers: appliers,
                accounts: accounts,
                clock: clock,
                notifier: systemd.notifier,
                auditor: auditor,
                configCheck: configCheck,
                logger: Logger(label: "replayd.reload")
            )
        }
        if let reloader {
            hangups = hangups.handling { await reloader.reload(by: "SIGHUP") }
        }
        let router = SocketRouter(
            pipeline: pipeline,
            info: GatewayInfo(
                version: ReplaydVersion.current,
                startedAtUnixSeconds: Int64(Date().timeIntervalSince1970),
                startedAt: .now,
                socketPath: settings.socket.path,
                fleet: fleetView
            ),
            health: health,
            maxRPCBatch: settings.replays.maxRPCBatch,
            runs: strait,
            operations: operations,
            tokens: TokenRoutes(admin: team.admin, relay: team.relay, clock: clock),
            gatewayOperator: DaemonOperator(reloader: reloader, engine: engine),
            auditTail: DirectoryAuditTail(directory: settings.audit.directory(state: settings.state))
        )
        let socketConfiguration = SocketServerConfiguration(
            path: settings.socket.path,
            groupID: socketGroupID,
            http: HTTPServerConfiguration(
                maxHeaderBytes: settings.socket.maxHeaderSize,
                maxBodyBytes: settings.socket.maxBodySize,
                headTimeout: settings.socket.headerTimeout,
                readTimeout: settings.socket.readTimeout,
                idleTimeout: settings.socket.idleTimeout,
                maxConnections: settings.socket.maxConnections,
                maxConnectionsPerClient: settings.socket.maxConnectionsPerUID
            ),
            instanceLock: instanceLock,
            listeningDescriptor: systemd.activation.descriptor(for: .socket)
        )
        let socketServer = SocketServer(
            configuration: socketConfiguration,
            router: router,
            group: eventLoops,
            logger: Logger(label: "replayd.socket")
        )
        let (webhookServices, webhooksListening) = try webhookServices(
            pipeline: pipeline,
            engine: engine,
            live: live,
            store: store,
            http: http,
            clock: clock,
            eventLoops: eventLoops,
            listeningDescriptor: systemd.activation.descriptor(for: .webhooks)
        )
        let adminServer = settings.admin.listen.map { address in
            AdminServer(
                host: address.host,
                port: address.port,
                listeningDescriptor: systemd.activation.descriptor(for: .admin),
                operations: operations,
                version: ReplaydVersion.current,
                rateLimits: { pipeline.rateLimitStatus(principal: nil, door: .socket, source: nil) },
                group: eventLoops,
                logger: Logger(label: "replayd.admin")
            )
        }
        let adminServices: [ServiceGroupConfiguration.ServiceConfiguration] =
            adminServer.map { [.init(service: $0)] } ?? []
        // PostgreSQL: this instance's leases are renewed, and expired ones of other instances taken over. Listed
        // before the drivers, so that it stops after them.
        let leaseServices: [ServiceGroupConfiguration.ServiceConfiguration] =
            (store as? any ReplayLeaseStore).map { leases in
                [
                    .init(
                        service: ReplayLeaseService(
                            leases: leases,
                            engine: engine,
                            auditor: auditor,
                            clock: clock,
                            logger: Logger(label: "replayd.leases")
                        )
                    )
                ]
            } ?? []
        let services = ServiceGroup(
            configuration: .init(
                services: [
                    // The audit log comes first so that it shuts down last, after everything that records.
                    .init(service: auditLog)
                ] + stateServices + leaseServices + budgetServices + fleetServices + [
                    .init(
                        service: AuditTrailService(
                            auditor: auditor,
                            clock: clock,
                            interval: settings.audit.denialInterval
                        )
                    ),
                    // Replay drivers run in this service's task group. Listed before the doors so that it shuts
                    // down after them: requests in progress still get their outcome, then drivers drain.
                    .init(
                        service: ReplayDriverService(
                            engine: engine,
                            grace: settings.replays.shutdownGrace,
                            clock: clock,
                            logger: Logger(label: "replayd.drivers")
                        )
                    ),
                    .init(service: hangups),
                    .init(service: socketServer),
                    .init(service: ReplayWorker(engine: engine, clock: clock, logger: Logger(label: "replayd.worker"))),
                    .init(
                        service: ReplayStorePruner(
                            store: store,
                            clock: clock,
                            interval: settings.replays.pruneInterval,
                            retention: settings.replays.retention,
                            logger: Logger(label: "replayd.pruner")
                        )
                    ),
                ] + webhookServices + adminServices + team.services + [
                    // Last, so that it hears of shutdown first and says STOPPING=1 before anything stops.
                    .init(
                        service: ServiceNotifierService(
                            notifier: systemd.notifier,
                            whenReady: {
                                await socketServer.waitUntilListening()
                                guard socketServer.isListening else {
                                    // The door failed and the group stops on its error: wait to be cancelled.
                                    try await gracefulShutdown()
                                    throw CancellationError()
                                }
                                try await webhooksListening?()
                                _ = try await adminServer?.waitUntilListening()
                                try await team.listening?()
                            },
                            status: "serving on \(settings.socket.path)",
                            logger: Logger(label: "replayd.systemd")
                        )
                    )
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        logger.info(
            "replayd starting",
            metadata: [
                "version": "\(ReplaydVersion.current)",
                "upstream": "\(settings.upstream.baseURL)",
                "socket": "\(settings.socket.path)",
                "principals": "\(settings.principals.count)",
                "libcurl": "\(CurlRuntime.version)",
            ]
        )
        await auditor.lifecycle(
            "start",
            details: [
                ("version", .string(ReplaydVersion.current)), ("pid", .int(Int64(getpid()))),
                ("upstream", .string(settings.upstream.baseURL)), ("socket", .string(settings.socket.path)),
            ]
        )
        var failure: (any Error)?
        do {
            try await services.run()
        } catch {
            failure = error
        }
        await http.shutdown()
        try? await eventLoops.shutdownGracefully()
        if let failure { throw failure }
        logger.info("replayd stopped")
    }

    private func resolveGroup(accounts: SystemUnixAccounts) throws -> UInt32? {
        guard let group = settings.socket.group else { return nil }
        if let id = group.id { return id }
        guard let name = group.name, let gid = accounts.gid(ofGroup: name) else {
            throw DaemonStartError(message: "socket.group \"\(group)\" is not a group on this machine")
        }
        return gid
    }
}
