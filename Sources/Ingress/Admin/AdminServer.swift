import HTTPServer
import Logging
import NIOCore
import ReplayCore
import ServiceLifecycle

/// The optional admin listener (`[admin] listen`): health and metrics on TCP for a scraper or a load balancer that
/// cannot reach the Unix socket, as a ServiceLifecycle `Service`. It is never the public webhook port.
public final class AdminServer: Service, Sendable {
    private let listener: HTTPTCPListener<AdminDoor>

    /// Creates the listener on `host:port` (or the inherited `listeningDescriptor`, socket activation); every
    /// answer carries the `RateLimit-Policy` and `RateLimit` fields of `rateLimits` (the `global` replay limit).
    public init(
        host: String,
        port: Int,
        listeningDescriptor: CInt? = nil,
        operations: OperationsEndpoints,
        version: String,
        rateLimits: @escaping @Sendable () -> [RateLimitStatus] = { [] },
        group: any EventLoopGroup,
        logger: Logger
    ) {
        var http = HTTPServerConfiguration()
        http.maxBodyBytes = 1024
        http.maxConnections = 64
        http.maxConnectionsPerClient = 16
        self.listener = HTTPTCPListener(
            name: "admin",
            host: host,
            port: port,
            listeningDescriptor: listeningDescriptor,
            backlog: 64,
            core: HTTPServer(
                configuration: http,
                door: AdminDoor(operations: operations, version: version, rateLimits: rateLimits),
                logger: logger
            ),
            group: group,
            logger: logger
        )
    }

    /// The bound port, once listening (the one the system picked for port 0).
    public func waitUntilListening() async throws(AdminServerError) -> Int {
        do {
            return try await listener.waitUntilListening()
        } catch {
            throw AdminServerError(message: error.message)
        }
    }

    public func run() async throws {
        do {
            try await listener.run()
        } catch {
            throw AdminServerError(message: error.message)
        }
    }
}

/// The admin listener could not start.
public struct AdminServerError: Error, Sendable, CustomStringConvertible {
    /// Words for the operator.
    public var message: String
    public var description: String { message }
}
