import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The Unix-socket door: HTTP/1.1 over `AF_UNIX`, as a ServiceLifecycle `Service`.
///
/// Startup: take the lock (a second instance fails "already running"), replace a stale socket only if it is a
/// socket, bind under `umask 0117` so the socket is born 0660 (no chmod-after-listen window), chgrp it to the
/// configured group. Each accepted connection's `SO_PEERCRED` is read at once and mapped to a principal.
/// Graceful shutdown stops accepting, lets requests in progress finish (bounded), closes idle connections, and
/// unlinks the socket.
public final class SocketServer: Service, Sendable {
    private let configuration: SocketServerConfiguration
    private let router: SocketRouter
    private let group: any EventLoopGroup
    private let logger: Logger
    private let registry: ConnectionRegistry
    private let readiness = Mutex<(bound: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Creates the server.
    public init(
        configuration: SocketServerConfiguration,
        router: SocketRouter,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.configuration = configuration
        self.router = router
        self.group = group
        self.logger = logger
        self.registry = ConnectionRegistry(maxConnections: configuration.maxConnections)
    }

    /// Returns once the socket is listening.
    public func waitUntilListening() async {
        await withCheckedContinuation { continuation in
            let ready = readiness.withLock { state -> Bool in
                if state.bound { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Binds, serves until graceful shutdown or cancellation, then drains and cleans up.
    public func run() async throws {
        let pathGuard = try SocketPathGuard(
            socketPath: configuration.path,
            groupID: configuration.groupID,
            lock: configuration.instanceLock
        )
        defer { pathGuard.release() }

        let channel: any Channel
        let previousMask = umask(0o117)
        do {
            channel = try await makeBootstrap().bind(unixDomainSocketPath: configuration.path).get()
            umask(previousMask)
        } catch {
            umask(previousMask)
            throw SocketServerError(.system, "cannot listen on \(configuration.path): \(error)")
        }
        if let groupID = configuration.groupID, chown(configuration.path, UInt32.max, groupID) != 0 {
            let message = String(cString: strerror(errno))
            channel.close(promise: nil)
            throw SocketServerError(.system, "cannot chgrp \(configuration.path) to gid \(groupID): \(message)")
        }
        logger.info(
            "listening on unix socket",
            metadata: [
                "path": "\(configuration.path)", "mode": "0660", "max_connections": "\(configuration.maxConnections)",
            ]
        )
        let waiters = readiness.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.bound = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }

        try? await gracefulShutdown()
        logger.info("socket door shutting down", metadata: ["in_flight": "\(registry.inFlightCount)"])
        try? await channel.close()
        await registry.drain(within: configuration.shutdownGracePeriod)
        registry.closeAll()
    }

    private func makeBootstrap() -> ServerBootstrap {
        let configuration = self.configuration
        let router = self.router
        let registry = self.registry
        let logger = self.logger
        let limits = {
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderListSize = configuration.maxHeaderBytes
            limits.maxHeaderFieldSize = configuration.maxHeaderBytes
            return limits
        }()
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                let overloaded = !registry.openConnection()
                channel.closeFuture.whenComplete { _ in
                    if !overloaded { registry.closeConnection() }
                }
                registry.track(channel)
                return PeerCredentialReader.read(from: channel).flatMapThrowing { peer in
                    var connectionLogger = logger
                    connectionLogger[metadataKey: "peer_uid"] = "\(peer.uid)"
                    connectionLogger[metadataKey: "peer_pid"] = "\(peer.pid)"
                    let handler = SocketConnectionHandler(
                        peer: peer,
                        authentication: router.authenticate(peer),
                        router: router,
                        configuration: configuration,
                        registry: registry,
                        overloaded: overloaded,
                        logger: connectionLogger
                    )
                    let activity = ByteActivityHandler { [unowned handler] in handler.bytesArrived() }
                    try channel.pipeline.syncOperations.addHandlers([
                        activity,
                        ByteToMessageHandler(
                            HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: limits)
                        ),
                        HTTPResponseEncoder(),
                        handler,
                    ])
                }
            }
    }
}
