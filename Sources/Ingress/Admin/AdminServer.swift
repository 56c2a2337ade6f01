import HTTPServer
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The optional admin listener (`[admin] listen`): health and metrics on TCP for a scraper or a load balancer that
/// cannot reach the Unix socket, as a ServiceLifecycle `Service`. It is never the public webhook port.
public final class AdminServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let listeningDescriptor: CInt?
    private let core: HTTPServer<AdminDoor>
    private let group: any EventLoopGroup
    private let logger: Logger
    private let bound = Mutex<
        (port: Result<Int, AdminServerError>?, waiters: [CheckedContinuation<Result<Int, AdminServerError>, Never>])
    >((nil, []))

    /// Creates the listener on `host:port` (or the inherited `listeningDescriptor`, socket activation).
    public init(
        host: String,
        port: Int,
        listeningDescriptor: CInt? = nil,
        operations: OperationsEndpoints,
        version: String,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.host = host
        self.port = port
        self.listeningDescriptor = listeningDescriptor
        self.group = group
        self.logger = logger
        var http = HTTPServerConfiguration()
        http.maxBodyBytes = 1024
        http.maxConnections = 64
        http.maxConnectionsPerClient = 16
        self.core = HTTPServer(
            configuration: http,
            door: AdminDoor(operations: operations, version: version),
            logger: logger
        )
    }

    /// The bound port, once listening (the one the system picked for port 0).
    public func waitUntilListening() async throws(AdminServerError) -> Int {
        let result = await withCheckedContinuation { continuation in
            let ready = bound.withLock { state -> Result<Int, AdminServerError>? in
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
            if let listeningDescriptor {
                listener = try await ServerBootstrap(group: group).bind(listeningDescriptor) { core.configure($0) }
            } else {
                listener = try await ServerBootstrap(group: group)
                    .serverChannelOption(.backlog, value: 64)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: host, port: port) { core.configure($0) }
            }
        } catch {
            let failure = AdminServerError(message: "cannot listen on \(host):\(port) (admin): \(error)")
            publish(.failure(failure))
            throw failure
        }
        let port = listener.channel.localAddress?.port ?? port
        logger.info("admin listener ready", metadata: ["host": "\(host)", "port": "\(port)"])
        publish(.success(port))
        await core.serve(listener)
        logger.info("admin listener stopped")
    }

    private func publish(_ result: Result<Int, AdminServerError>) {
        let waiters = bound.withLock { state in
            state.port = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }
}

/// The admin listener could not start.
public struct AdminServerError: Error, Sendable, CustomStringConvertible {
    /// Words for the operator.
    public var message: String
    public var description: String { message }
}
