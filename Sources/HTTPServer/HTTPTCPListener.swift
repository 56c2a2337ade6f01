import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One TCP listener of the HTTP core: binds `host:port` (or adopts a descriptor the service manager handed over),
/// tells whoever waits which port it got, and serves `core` until graceful shutdown. The small TCP doors (admin,
/// team) are this plus their door.
public final class HTTPTCPListener<Door: HTTPDoor>: Sendable {
    private let name: String
    private let host: String
    private let port: Int
    private let listeningDescriptor: CInt?
    private let backlog: Int32
    private let core: HTTPServer<Door>
    private let group: any EventLoopGroup
    private let logger: Logger
    private let bound = Mutex<
        (port: Result<Int, HTTPListenError>?, waiters: [CheckedContinuation<Result<Int, HTTPListenError>, Never>])
    >((nil, []))

    /// Creates the listener. `name` (`admin`, `team`) appears in its log lines and errors.
    public init(
        name: String,
        host: String,
        port: Int,
        listeningDescriptor: CInt?,
        backlog: Int32,
        core: HTTPServer<Door>,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.listeningDescriptor = listeningDescriptor
        self.backlog = backlog
        self.core = core
        self.group = group
        self.logger = logger
    }

    /// The bound port, once listening (the one the system picked for port 0).
    public func waitUntilListening() async throws(HTTPListenError) -> Int {
        let result = await withCheckedContinuation { continuation in
            let ready = bound.withLock { state -> Result<Int, HTTPListenError>? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }

    /// Binds, then serves until graceful shutdown; `readyMetadata` is added to the "listener ready" line.
    public func run(readyMetadata: Logger.Metadata = [:]) async throws(HTTPListenError) {
        let listener: NIOAsyncChannel<HTTPServerConnection, Never>
        do {
            let core = self.core
            if let listeningDescriptor {
                listener = try await ServerBootstrap(group: group).bind(listeningDescriptor) { core.configure($0) }
            } else {
                listener = try await ServerBootstrap(group: group)
                    .serverChannelOption(.backlog, value: backlog)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: host, port: port) { core.configure($0) }
            }
        } catch {
            let failure = HTTPListenError(message: "cannot listen on \(host):\(port) (\(name)): \(error)")
            publish(.failure(failure))
            throw failure
        }
        let port = listener.channel.localAddress?.port ?? port
        var metadata = readyMetadata
        metadata["host"] = "\(listener.channel.localAddress?.ipAddress ?? host)"
        metadata["port"] = "\(port)"
        logger.info("\(name) listener ready", metadata: metadata)
        publish(.success(port))
        await core.serve(listener)
        logger.info("\(name) listener stopped")
    }

    private func publish(_ result: Result<Int, HTTPListenError>) {
        let waiters = bound.withLock { state in
            state.port = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }
}

/// A TCP listener could not start (the address is taken, or not an address of this host).
public struct HTTPListenError: Error, Sendable, CustomStringConvertible {
    /// Words for the operator.
    public var message: String
    public var description: String { message }
}
