import HTTPServer
import Logging
import NIOCore
import NIOPosix
import ReplayCore
import ServiceLifecycle
import Synchronization

/// The team listener (`[team] listen`): the ``TeamDoor`` on its own TCP port, as a ServiceLifecycle `Service`.
public final class TeamServer: Service, Sendable {
    private let configuration: TeamServerConfiguration
    private let core: HTTPServer<TeamDoor>
    private let group: any EventLoopGroup
    private let logger: Logger
    private let bound = Mutex<
        (port: Result<Int, TeamServerError>?, waiters: [CheckedContinuation<Result<Int, TeamServerError>, Never>])
    >((nil, []))

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
        self.configuration = configuration
        self.group = group
        self.logger = logger
        let throttle = VerificationFailureThrottle(policy: configuration.failureThrottle, clock: clock)
        self.failureThrottle = throttle
        self.core = HTTPServer(
            configuration: configuration.http,
            door: TeamDoor(
                pipeline: pipeline,
                authenticator: authenticator,
                trustedProxies: TrustedProxies(configuration.trustedProxies),
                throttle: throttle,
                version: version
            ),
            logger: logger
        )
    }

    /// The bound port, once listening (the one the system picked for port 0).
    public func waitUntilListening() async throws(TeamServerError) -> Int {
        let result = await withCheckedContinuation { continuation in
            let ready = bound.withLock { state -> Result<Int, TeamServerError>? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }

    public func run() async throws {
        let listener: NIOAsyncChannel<HTTPServerConnection, Never>
        do {
            let core = self.core
            if let descriptor = configuration.listeningDescriptor {
                listener = try await ServerBootstrap(group: group).bind(descriptor) { core.configure($0) }
            } else {
                listener = try await ServerBootstrap(group: group)
                    .serverChannelOption(.backlog, value: 256)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: configuration.host, port: configuration.port) { core.configure($0) }
            }
        } catch {
            let failure = TeamServerError(
                message: "cannot listen on \(configuration.host):\(configuration.port) (team): \(error)"
            )
            publish(.failure(failure))
            throw failure
        }
        let port = listener.channel.localAddress?.port ?? configuration.port
        logger.info(
            "team listener ready",
            metadata: [
                "host": "\(listener.channel.localAddress?.ipAddress ?? configuration.host)", "port": "\(port)",
                "trusted_proxies": "\(configuration.trustedProxies.count)",
            ]
        )
        publish(.success(port))
        await core.serve(listener)
        logger.info("team listener stopped")
    }

    private func publish(_ result: Result<Int, TeamServerError>) {
        let waiters = bound.withLock { state in
            state.port = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }
}

/// The team listener could not start.
public struct TeamServerError: Error, Sendable, CustomStringConvertible {
    /// Words for the operator.
    public var message: String
    public var description: String { message }
}
