import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// An accepted connection as the core sees it: HTTP/1.1 request parts in, response parts out.
public typealias HTTPServerConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// The one HTTP/1.1 server core under every door.
///
/// It owns what every listener needs and no door should write again: the codec with its header limit (431), the
/// body limit (413, from `Content-Length` before the body is read), the head, read and idle deadlines (408), the
/// total and per-client connection caps (503), keep-alive and pipelined requests answered in order, a client's
/// half-close after a complete request, `X-Request-Id` and the fixed fields on every response, and drain on
/// graceful shutdown. A door (``HTTPDoor``) only checks heads and answers requests.
///
/// Binding belongs to the listener (a Unix socket with its lock and modes, a TCP port): it binds with
/// ``configure(_:)`` as the child channel initializer and hands the listening channel to ``serve(_:onStoppedAccepting:)``.
/// Every connection is a child task of the task group `serve` runs, so shutdown drains them and then cancels
/// what is left.
public struct HTTPServer<Door: HTTPDoor>: Sendable {
    /// The limits and timings.
    public let configuration: HTTPServerConfiguration
    let door: Door
    let logger: Logger
    let registry: HTTPConnectionRegistry
    let requestIDs = RequestIDGenerator()

    /// Creates a core for `door`.
    public init(configuration: HTTPServerConfiguration, door: Door, logger: Logger) {
        self.configuration = configuration
        self.door = door
        self.logger = logger
        self.registry = HTTPConnectionRegistry(
            maxConnections: configuration.maxConnections,
            maxConnectionsPerClient: configuration.maxConnectionsPerClient
        )
    }

    /// Connections counted against the caps right now.
    public var connectionCount: Int { registry.connectionCount }
    /// Requests being worked on right now (from head to answer).
    public var inFlightCount: Int { registry.inFlightCount }

    /// The child channel initializer: the codec with the header limit, the deadlines, and the async channel.
    /// Accepts half-closed input, so a client that shuts down its side after a complete request still gets its
    /// answer.
    public func configure(_ channel: any Channel) -> EventLoopFuture<HTTPServerConnection> {
        let configuration = self.configuration
        let registry = self.registry
        return channel.eventLoop.makeCompletedFuture {
            try channel.syncOptions?.setOption(.allowRemoteHalfClosure, value: true)
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderListSize = configuration.maxHeaderBytes
            limits.maxHeaderFieldSize = configuration.maxHeaderBytes
            let deadlines = HTTPDeadlineHandler(
                headTimeout: configuration.headTimeout,
                readTimeout: configuration.readTimeout,
                idleTimeout: configuration.idleTimeout,
                onRequestStarted: { registry.requestStarted(on: channel) }
            )
            try channel.pipeline.syncOperations.addHandlers([
                HTTPByteActivityHandler(deadlines: deadlines),
                ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: limits)),
                HTTPResponseEncoder(),
                deadlines,
            ])
            return try HTTPServerConnection(wrappingChannelSynchronously: channel)
        }
    }

    /// Serves the connections `listener` accepts until graceful shutdown or cancellation; then stops accepting,
    /// closes the connections that are not working on a request, waits up to `shutdownGracePeriod` for the rest
    /// to be answered, and cancels what is left.
    public func serve(
        _ listener: NIOAsyncChannel<HTTPServerConnection, Never>,
        onStoppedAccepting: @Sendable () -> Void = {}
    ) async {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                do {
                    try await listener.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await self.serveConnection(connection) }
                        }
                    }
                } catch {
                    logger.debug("listener closed", metadata: ["error": "\(error)"])
                }
            } onGracefulShutdown: {
                listener.channel.close(promise: nil)
            }
            onStoppedAccepting()
            registry.beginShutdown()
            logger.info("listener stopped accepting", metadata: ["in_flight": "\(registry.inFlightCount)"])
            await registry.drain(within: configuration.shutdownGracePeriod)
            if registry.inFlightCount > 0 {
                logger.warning(
                    "grace period over; cancelling requests still in progress",
                    metadata: ["in_flight": "\(registry.inFlightCount)"]
                )
            }
            group.cancelAll()
            registry.closeAll()
        }
    }
}
