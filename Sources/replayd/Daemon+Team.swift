import HTTPServer
import Ingress
import Logging
import NIOCore
import ReplayCore
import ServiceLifecycle

extension Daemon {
    /// The team token key, admin and audit relay: always (the socket's `/v1/tokens` routes and `replayd token`
    /// work whether or not the team door listens), and the team listener when `[team] listen` is set.
    func teamServices(
        pipeline: ReplayPipeline,
        store: any TeamTokenStore,
        auditor: ReplayAuditor,
        clock: any ReplayClock,
        trust: FileTrust,
        eventLoops: any EventLoopGroup
    ) throws -> (
        admin: TeamTokenAdmin,
        relay: TeamTokenAuditRelay,
        services: [ServiceGroupConfiguration.ServiceConfiguration],
        listening: (@Sendable () async throws -> Void)?
    ) {
        let team = settings.team
        let keyPath = team.tokenKeyPath(state: settings.state)
        let key: TeamTokenKey
        do {
            let loaded = try TeamTokenKey.load(keyPath, create: team.tokenKeyFile == nil, trust: trust)
            key = loaded.key
            if loaded.created {
                logger.notice("created a new team token key", metadata: ["path": "\(keyPath)"])
            }
        } catch {
            throw DaemonStartError(message: error.message)
        }
        let principals = Set(settings.principals.map(\.name))
        let admin = TeamTokenAdmin(store: store, key: key, principals: principals, clock: clock)
        let relay = TeamTokenAuditRelay(
            store: store,
            auditor: auditor,
            clock: clock,
            logger: Logger(label: "replayd.tokens")
        )
        guard let address = team.listen else { return (admin, relay, [.init(service: relay)], nil) }
        var trusted: [CIDR] = []
        for text in team.trustedProxies {
            do {
                trusted.append(try CIDR(text))
            } catch {
                throw DaemonStartError(message: "team.trusted_proxies: \(error)")
            }
        }
        var http = TeamServerConfiguration.defaultHTTP
        http.maxConnections = team.maxConnections
        http.maxConnectionsPerClient = team.maxConnectionsPerClient
        let server = TeamServer(
            configuration: TeamServerConfiguration(
                host: address.host,
                port: address.port,
                http: http,
                trustedProxies: trusted,
                failureThrottle: FailureThrottlePolicy(
                    threshold: team.failureThreshold,
                    initialBlock: team.failureBlock,
                    maxBlock: team.failureBlockMax
                )
            ),
            pipeline: pipeline,
            authenticator: TeamTokenAuthenticator(store: store, key: key, principals: principals, clock: clock),
            clock: clock,
            version: ReplaydVersion.current,
            group: eventLoops,
            logger: Logger(label: "replayd.team")
        )
        return (
            admin, relay, [.init(service: relay), .init(service: server)],
            { _ = try await server.waitUntilListening() }
        )
    }
}
