import HTTPServer
import Logging
import NIOCore
import ReplayCore
import ServiceLifecycle

/// The team listener (`[team] listen`): the ``TeamDoor`` on its own TCP port, as a ServiceLifecycle `Service`.
///
/// A reload puts `[team] trusted_proxies` and the failed-token throttle's settings in force with
/// ``apply(trustedProxies:failureThrottle:)``; the address and the HTTP core's limits are fixed at start.
public final class TeamServer: Service, Sendable {
    private let listener: HTTPTCPListener<TeamDoor>
    private let trustedProxies: ShardedSnapshot<TrustedProxies>

    /// The failed-token throttle the door checks and feeds.
    public let failureThrottle: VerificationFailureThrottle

    /// Creates the listener.
    public init(
        configuration: TeamServerConfiguration,
        pipeline: ReplayPipeline,
        authenticator: TeamTokenAuthenticator,
        clock: any ReplayClock,
        version: String,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        let throttle = VerificationFailureThrottle(policy: configuration.failureThrottle, clock: clock)
        self.failureThrottle = throttle
        let proxies = ShardedSnapshot(TrustedProxies(configuration.trustedProxies))
        self.trustedProxies = proxies
        self.listener = HTTPTCPListener(
            name: "team",
            host: configuration.host,
            port: configuration.port,
            listeningDescriptor: configuration.listeningDescriptor,
            backlog: 256,
            core: HTTPServer(
                configuration: configuration.http,
                door: TeamDoor(
                    pipeline: pipeline,
                    authenticator: authenticator,
                    trustedProxies: proxies,
                    throttle: throttle,
                    version: version
                ),
                logger: logger
            ),
            group: group,
            logger: logger
        )
    }

    /// The bound port, once listening (the one the system picked for port 0).
    public func waitUntilListening() async throws(TeamServerError) -> Int {
        do {
            return try await listener.waitUntilListening()
        } catch {
            throw TeamServerError(message: error.message)
        }
    }

    /// The trusted proxies in force.
    public var trustedProxyNetworks: [CIDR] { trustedProxies.current(for: 0).networks }

    /// Puts new trusted proxies and a new failed-token policy in force (a reload), for the next connection and
    /// request; blocks already in force keep their end.
    public func apply(trustedProxies networks: [CIDR], failureThrottle policy: FailureThrottlePolicy) {
        trustedProxies.replace(with: TrustedProxies(networks))
        failureThrottle.apply(policy)
    }

    public func run() async throws {
        do {
            let count = trustedProxies.current(for: 0).networks.count
            try await listener.run(readyMetadata: ["trusted_proxies": "\(count)"])
        } catch {
            throw TeamServerError(message: error.message)
        }
    }
}

extension TeamServer: ReloadApplier {
    /// Puts `[team] trusted_proxies` and `failure_*` in force. The CIDRs were validated when the config loaded.
    public func apply(reloaded settings: ReplaydConfig) {
        apply(
            trustedProxies: settings.team.trustedProxies.compactMap { try? CIDR($0) },
            failureThrottle: settings.team.failureThrottlePolicy
        )
    }
}

/// The team listener could not start.
public struct TeamServerError: Error, Sendable, CustomStringConvertible {
    /// Words for the operator.
    public var message: String
    public var description: String { message }
}
