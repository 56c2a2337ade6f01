import HTTPServer
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

/// The Unix-socket listener: binds the socket, then serves the ``SocketDoor`` on the HTTP core, as a
/// ServiceLifecycle `Service`.
///
/// Startup: take the lock (a second instance fails "already running"), replace a stale socket only if it is a
/// socket, bind under `umask 0117` so the socket is born 0660 (no chmod-after-listen window), chgrp it to the
/// configured group. Each accepted connection's `SO_PEERCRED` is read at once and mapped to a principal.
/// Graceful shutdown stops accepting, lets requests in progress finish (bounded), closes idle connections, and
/// unlinks the socket.
public final class SocketServer: Service, Sendable {
    private let configuration: SocketServerConfiguration
    private let core: HTTPServer<SocketDoor>
    private let group: any EventLoopGroup
    private let logger: Logger
    private let readiness = Mutex<(bound: Bool, failed: Bool, waiters: [CheckedContinuation<Void, Never>])>(
        (false, false, [])
    )

    /// Creates the server.
    public init(
        configuration: SocketServerConfiguration,
        router: SocketRouter,
        group: any EventLoopGroup,
        logger: Logger
    ) {
        self.configuration = configuration
        self.core = HTTPServer(configuration: configuration.http, door: SocketDoor(router: router), logger: logger)
        self.group = group
        self.logger = logger
    }

    /// Requests being worked on right now.
    public var inFlightCount: Int { core.inFlightCount }
    /// Connections counted against the caps right now.
    public var connectionCount: Int { core.connectionCount }

    /// Whether the socket has been bound and listened on (false before, and after `run()` failed to).
    public var isListening: Bool { readiness.withLock { $0.bound } }

    /// Returns once the socket is listening, or once `run()` failed before it could (check ``isListening``).
    public func waitUntilListening() async {
        await withCheckedContinuation { continuation in
            let ready = readiness.withLock { state -> Bool in
                if state.bound || state.failed { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Binds, serves until graceful shutdown or cancellation, then drains and cleans up.
    public func run() async throws {
        do {
            try await bindAndServe()
        } catch {
            // Nobody may wait forever for a socket that will never listen.
            let waiters = readiness.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.failed = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
            throw error
        }
    }

    private func bindAndServe() async throws {
        if let descriptor = configuration.listeningDescriptor {
            try await serveAdopted(descriptor)
            return
        }
        let pathGuard = try SocketPathGuard(
            socketPath: configuration.path,
            groupID: configuration.groupID,
            lock: configuration.instanceLock
        )
        defer { pathGuard.release() }

        let listener: NIOAsyncChannel<HTTPServerConnection, Never>
        let previousMask = umask(0o117)
        do {
            let core = self.core
            listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .bind(unixDomainSocketPath: configuration.path) { channel in core.configure(channel) }
            umask(previousMask)
        } catch {
            umask(previousMask)
            throw SocketServerError(.system, "cannot listen on \(configuration.path): \(error)")
        }
        if let groupID = configuration.groupID, chown(configuration.path, UInt32.max, groupID) != 0 {
            let message = String(cString: strerror(errno))
            try? await listener.channel.close()
            throw SocketServerError(.system, "cannot chgrp \(configuration.path) to gid \(groupID): \(message)")
        }
        logger.info(
            "listening on unix socket",
            metadata: [
                "path": "\(configuration.path)", "mode": "0660",
                "max_connections": "\(configuration.http.maxConnections)",
                "max_connections_per_uid": "\(configuration.http.maxConnectionsPerClient)",
            ]
        )
        publishListening()

        await core.serve(listener)
        logger.info("socket door stopped")
    }

    /// Serves on a socket the service manager bound: no path guard (its stale-socket check would unlink the
    /// manager's socket), no umask, chgrp or unlink; the instance lock is still held by the daemon.
    private func serveAdopted(_ descriptor: CInt) async throws {
        let boundPath = ListenerActivation.boundPath(of: descriptor)
        guard ListenerActivation.isUnixSocket(descriptor) else {
            throw SocketServerError(.system, "inherited socket descriptor \(descriptor) is not a Unix socket")
        }
        if boundPath != configuration.path {
            logger.warning(
                "the inherited socket is not at [socket] path; serving on the inherited one",
                metadata: ["inherited": "\(boundPath ?? "unnamed")", "configured": "\(configuration.path)"]
            )
        }
        let listener: NIOAsyncChannel<HTTPServerConnection, Never>
        do {
            let core = self.core
            listener = try await ServerBootstrap(group: group)
                .bind(descriptor) { channel in core.configure(channel) }
        } catch {
            throw SocketServerError(.system, "cannot serve on inherited socket descriptor \(descriptor): \(error)")
        }
        logger.info(
            "listening on inherited unix socket",
            metadata: [
                "path": "\(boundPath ?? configuration.path)", "descriptor": "\(descriptor)",
                "max_connections": "\(configuration.http.maxConnections)",
                "max_connections_per_uid": "\(configuration.http.maxConnectionsPerClient)",
            ]
        )
        publishListening()
        await core.serve(listener)
        logger.info("socket door stopped; the inherited socket stays for the service manager")
    }

    private func publishListening() {
        let waiters = readiness.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.bound = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
