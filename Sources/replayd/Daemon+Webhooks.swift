import Audit
import Curl
import HTTPServer
import Ingress
import Logging
import NIOCore
import ReplayCore
import ServiceLifecycle

extension Daemon {
    /// The webhook listener, its door, the replier and the follow-up worker, from `[webhooks]` and `[[sources]]`,
    /// and a wait for the listener to accept; empty (and `nil`) when no source is configured. A
    /// `listeningDescriptor` (socket activation) is served instead of binding `[webhooks] listen`. The door reads its
    /// sources and directory from `live` at each delivery, so a reload changes them without a restart.
    func webhookServices(
        pipeline: ReplayPipeline,
        engine: ReplayEngine,
        live: ReloadableState<LiveConfig>,
        store: any ReplayStore & WebhookDeliveryStore,
        http: any HTTPClient,
        clock: any ReplayClock,
        eventLoops: any EventLoopGroup,
        listeningDescriptor: CInt? = nil
    ) throws -> (
        services: [ServiceGroupConfiguration.ServiceConfiguration], listening: (@Sendable () async throws -> Void)?
    ) {
        guard !settings.sources.isEmpty else { return ([], nil) }
        let webhooks = settings.webhooks
        let sources = live.current.webhooks.sources.values.sorted { $0.name < $1.name }
        let outbox: FollowUpOutbox
        do {
            outbox = try FollowUpOutbox(
                path: settings.state.directory + "/followups.sqlite",
                logger: Logger(label: "replayd.followups")
            )
        } catch {
            throw DaemonStartError(message: "cannot open the follow-up outbox: \(error.message)")
        }
        let auditor = pipeline.auditor
        let worker = FollowUpWorker(
            outbox: outbox,
            http: http,
            clock: clock,
            observer: ClosureFollowUpObserver { event in
                guard event.isFinal else { return }
                let (decision, reason): (String, String?) =
                    switch event.result {
                    case .delivered(let status): ("delivered", "HTTP \(status)")
                    case .failed(let failure, _): ("failed", "\(failure)")
                    case .retrying: ("retrying", nil)
                    }
                try? await auditor.record(
                    auditor.webhookRecord(
                        stage: "follow_up",
                        door: event.followUp.kind == .slackResponseURL ? .slack : .discord,
                        source: String(event.followUp.id.prefix { $0 != ":" }),
                        actor: nil,
                        requestID: nil,
                        deliveryID: String(event.followUp.id.drop { $0 != ":" }.dropFirst()),
                        decision: decision,
                        reason: reason
                    )
                )
            },
            hashDestination: { auditor.hashValue($0) },
            metrics: auditor.metrics,
            logger: Logger(label: "replayd.followups")
        )
        let replier = WebhookReplier(
            engine: engine,
            deliveries: store,
            outbox: outbox,
            wakeWorker: { worker.wake() },
            clock: clock,
            dedupTTL: webhooks.dedupTTL,
            logger: Logger(label: "replayd.replies")
        )
        let door = WebhookDoor(
            live: { live.current.webhooks },
            pipeline: pipeline,
            deliveries: store,
            replier: replier,
            clock: clock,
            discordAPIURL: webhooks.discordAPIURL
        )
        var trusted: [CIDR] = []
        for text in webhooks.trustedProxies {
            do {
                trusted.append(try CIDR(text))
            } catch {
                throw DaemonStartError(message: "webhooks.trusted_proxies: \(error)")
            }
        }
        let server: WebhookServer
        do {
            server = try WebhookServer(
                configuration: WebhookServerConfiguration(
                    host: webhooks.listen.host,
                    port: webhooks.listen.port,
                    http: HTTPServerConfiguration(
                        maxHeaderBytes: webhooks.maxHeaderSize,
                        maxBodyBytes: webhooks.maxBodySize,
                        headTimeout: webhooks.headerTimeout,
                        readTimeout: webhooks.readTimeout,
                        idleTimeout: webhooks.idleTimeout,
                        maxConnections: webhooks.maxConnections,
                        maxConnectionsPerClient: webhooks.maxConnectionsPerClient,
                        shutdownGracePeriod: WebhookServerConfiguration.defaultHTTP.shutdownGracePeriod
                    ),
                    trustedProxies: trusted,
                    preAuthLimit: PreAuthLimit(
                        ratePerSecond: Double(webhooks.preAuthRate),
                        burst: webhooks.preAuthBurst
                    ),
                    failureThrottle: FailureThrottlePolicy(
                        threshold: webhooks.failureThreshold,
                        initialBlock: webhooks.failureBlock,
                        maxBlock: webhooks.failureBlockMax
                    ),
                    listeningDescriptor: listeningDescriptor
                ),
                sources: Set(sources.map(\.name)),
                handler: door,
                clock: clock,
                group: eventLoops,
                logger: Logger(label: "replayd.webhooks")
            )
        } catch {
            throw DaemonStartError(message: "webhooks: \(error)")
        }
        logger.info(
            "webhook sources",
            metadata: [
                "listen": "\(webhooks.listen)",
                "sources": "\(sources.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", "))",
            ]
        )
        return (
            [.init(service: worker), .init(service: replier), .init(service: server)],
            { _ = try await server.waitUntilListening() }
        )
    }
}
