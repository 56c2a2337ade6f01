import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StraitSimulator {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// Binds, serves until graceful shutdown or cancellation, then closes the listener and every connection.
    ///
    /// - Throws: ``SimulatorError`` `bind_failed` when the address cannot be bound, `already_running` when called
    ///   while running.
    public func run() async throws {
        try address.starting()
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await bind()
        } catch {
            let failure = SimulatorError(
                code: .bindFailed,
                message: "cannot listen on \(configuration.host):\(configuration.port): \(error)"
            )
            address.finished(failure)
            throw failure
        }
        let port = server.channel.localAddress?.port ?? configuration.port
        address.bound(host: configuration.host, port: port)
        logger.info("strait simulator listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        defer {
            address.finished(SimulatorError(code: .notRunning, message: "the simulator has stopped"))
            logger.info("strait simulator stopped")
        }

        do {
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                    // The listener is closed: end the connections still open (idle keep-alives, stalls).
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                server.channel.close(promise: nil)
            }
        } catch is CancellationError {
            return
        } catch let error as ChannelError where error == .ioOnClosedChannel || error == .alreadyClosed {
            return
        }
    }

    private func bind() async throws -> NIOAsyncChannel<Connection, Never> {
        try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Serves one connection: requests in order, keep-alive, and the reset and stall faults.
    private func serve(_ connection: Connection) async {
        let channel = connection.channel
        let remoteIP = channel.remoteAddress?.ipAddress ?? "unknown"
        let maxBody = configuration.maxBodyBytes
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var bodyLength = 0
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body = []
                        bodyLength = 0
                    case .body(let chunk):
                        bodyLength += chunk.readableBytes
                        if body.count < maxBody {
                            body += chunk.readableBytesView.prefix(maxBody - body.count)
                        }
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        let request = SimulatorRequest(
                            method: requestHead.method.rawValue,
                            target: requestHead.uri,
                            headers: requestHead.headers,
                            body: body,
                            bodyLength: bodyLength,
                            remoteIP: remoteIP
                        )
                        let response = await handle(request)
                        switch response.disposition {
                        case .reset:
                            await reset(channel)
                            return
                        case .stall:
                            await stall(channel)
                            return
                        case .respond:
                            let keepAlive = requestHead.isKeepAlive && !response.closeConnection
                            try await write(response, keepAlive: keepAlive, to: outbound)
                            if !keepAlive { return }
                        }
                    }
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
    }

    private func write(
        _ response: SimulatorResponse,
        keepAlive: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        var parts: [HTTPServerResponsePart] = [.head(head)]
        if !response.body.isEmpty {
            parts.append(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
    }

    /// A TCP reset: `SO_LINGER` on with a zero timeout, then close, so the kernel sends RST instead of FIN.
    private func reset(_ channel: any Channel) async {
        if let provider = channel as? any SocketOptionProvider {
            try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }

    /// Holds the connection without answering until the client closes it or the stall timeout passes.
    private func stall(_ channel: any Channel) async {
        let timeout = configuration.stallTimeout
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await channel.closeFuture.get() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            channel.close(promise: nil)
            group.cancelAll()
        }
    }
}
