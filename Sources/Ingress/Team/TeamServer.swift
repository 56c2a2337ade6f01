import HTTPServer
import Logging
import NIOCore
import ReplayCore
import ServiceLifecycle

/// The team listener (`[team] listen`): the ``TeamDoor`` on its own TCP port, as a ServiceLifecycle `Service`.
public final class TeamServer: Service, Sendable {
    private let listener: HTTPTCPListener<TeamDoor>
    private let trustedProxyCount: Int

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
        self.trustedProxyCount = configuration.trustedProxies.count
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
                    trustedProxies: TrustedProxies(configuration.trustedProxies),
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

    public func run() async throws {
        do {
            try await listener.run(readyMetadata: ["trusted_proxies": "\(trustedProxyCount)"])
        } catch {
            throw TeamServerError(message: error.message)
        }
    }
}

/// The team listener could not start.
public struct TeamServerError: Error, Sendable, CustomStringConvertible {
    /// Words for the operator.
    public var message: String
    public var description: String { message }
}
