import Curl
import Logging
import NIOCore
import NIOHTTP1
import ReplayCore

/// One Unix-socket connection: reads HTTP/1.1 requests with limits (431, 413, 408), authenticates the peer at
/// the head of every request (403 before the body is read), and hands complete requests to the router.
///
/// Requests on one connection are answered in order: while one is processed, reading pauses and any pipelined
/// request parts already decoded are held back until the response is written.
final class SocketConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests; the idle timer runs.
        case idle
        /// Bytes of a request arrived, its head is not complete; the read timer runs.
        case awaitingHead
        /// Reading the body of `head`; the read timer runs.
        case readingBody(head: HTTPRequestHead, body: [UInt8], requestID: String)
        /// The router is working on a request.
        case processing
        /// An early response was sent; ignore the rest, the connection is closing.
        case closing
    }

    private let peer: PeerCredentials
    private let authentication: Result<Principal, ReplayError>
    private let router: SocketRouter
    private let configuration: SocketServerConfiguration
    private let registry: ConnectionRegistry
    private let requestIDs: RequestIDGenerator
    private let logger: Logger
    private let overloaded: Bool
    private var state = State.idle
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var heldBack: [HTTPServerRequestPart] = []

    init(
        peer: PeerCredentials,
        authentication: Result<Principal, ReplayError>,
        router: SocketRouter,
        configuration: SocketServerConfiguration,
        registry: ConnectionRegistry,
        overloaded: Bool,
        logger: Logger
    ) {
        self.overloaded = overloaded
        self.peer = peer
        self.authentication = authentication
        self.router = router
        self.configuration = configuration
        self.registry = registry
        self.requestIDs = RequestIDGenerator()
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // A client connects to send a request: the read timeout applies from the start.
        state = .awaitingHead
        arm(.read, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    /// Called by `ByteActivityHandler` when request bytes arrive.
    func bytesArrived() {
        if case .idle = state, let context {
            state = .awaitingHead
            arm(.read, context: context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        handle(unwrapInboundIn(data), context: context)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        if case .processing = state {
            heldBack.append(part)
            return
        }
        switch (part, state) {
        case (_, .closing):
            return
        case (.head(let head), _):
            receivedHead(head, context: context)
        case (.body(var buffer), .readingBody(let head, var body, let requestID)):
            guard body.count + buffer.readableBytes <= configuration.maxBodyBytes else {
                respondEarly(
                    ReplayError(.payloadTooLarge, "request body is over the \(configuration.maxBodyBytes)-byte limit"),
                    requestID: requestID,
                    context: context
                )
                return
            }
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            state = .readingBody(head: head, body: body, requestID: requestID)
        case (.end, .readingBody(let head, let body, let requestID)):
            dispatch(head: head, body: body, requestID: requestID, context: context)
        default:
            return
        }
    }

    private func receivedHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let requestID = requestIDs.next()
        let (path, _) = Self.splitURI(head.uri)
        if overloaded {
            respondEarly(
                ReplayError(.unavailable, "replayd is at its limit of \(configuration.maxConnections) connections"),
                requestID: requestID,
                context: context
            )
            return
        }
        if !router.isPublic(method: head.method.rawValue, path: path), case .failure(let error) = authentication {
            logger.notice(
                "refused unmapped peer",
                metadata: ["request_id": "\(requestID)", "uid": "\(peer.uid)", "pid": "\(peer.pid)"]
            )
            let router = self.router
            let peer = self.peer
            Task { await router.auditUnknownPeer(peer, requestID: requestID, reason: error) }
            respondEarly(error, requestID: requestID, context: context)
            return
        }
        if let length = head.headers.first(name: "Content-Length").flatMap(Int.init),
            length > configuration.maxBodyBytes
        {
            respondEarly(
                ReplayError(.payloadTooLarge, "request body is over the \(configuration.maxBodyBytes)-byte limit"),
                requestID: requestID,
                context: context
            )
            return
        }
        state = .readingBody(head: head, body: [], requestID: requestID)
    }

    private func dispatch(head: HTTPRequestHead, body: [UInt8], requestID: String, context: ChannelHandlerContext) {
        state = .processing
        timer?.cancel()
        timer = nil
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        let (path, query) = Self.splitURI(head.uri)
        var headers = Curl.HTTPHeaders()
        for (name, value) in head.headers { headers.add(name: name, value: value) }
        let request = GatewayRequest(
            method: head.method.rawValue,
            path: path,
            query: query,
            headers: headers,
            body: body,
            peer: peer,
            principal: try? authentication.get(),
            requestID: requestID
        )
        var requestLogger = logger
        requestLogger[metadataKey: "request_id"] = "\(requestID)"
        requestLogger[metadataKey: "principal"] = "\((try? authentication.get())?.name ?? "-")"
        let keepAlive = head.isKeepAlive
        let version = head.version
        let router = self.router
        let registry = self.registry
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        registry.requestStarted()
        Task {
            let response = await router.handle(request, logger: requestLogger)
            loopBound.eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.write(response, requestID: requestID, version: version, keepAlive: keepAlive, context: context)
                registry.requestFinished()
            }
        }
    }

    private func respondEarly(_ error: ReplayError, requestID: String, context: ChannelHandlerContext) {
        state = .closing
        write(
            .error(error, requestID: requestID, close: true),
            requestID: requestID,
            version: .http1_1,
            keepAlive: false,
            context: context
        )
    }

    private func write(
        _ response: GatewayResponse,
        requestID: String,
        version: HTTPVersion,
        keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else { return }
        let close = response.closeConnection || !keepAlive
        var headers = NIOHTTP1.HTTPHeaders()
        for field in response.headers { headers.add(name: field.name, value: field.value) }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Api-Version", value: "1")
        headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        if close { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: .init(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        if close {
            state = .closing
            timer?.cancel()
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            state = .idle
            arm(.idle, context: context)
            let parts = heldBack
            heldBack = []
            for part in parts { handle(part, context: context) }
            if case .processing = state { return }
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            context.read()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard case .closing = state else {
            if let parserError = error as? HTTPParserError {
                let replayError =
                    parserError == .headerOverflow
                    ? ReplayError(
                        .headersTooLarge,
                        "request line and headers are over the \(configuration.maxHeaderBytes)-byte limit"
                    )
                    : ReplayError(.badRequest, "malformed HTTP request (\(parserError))")
                respondEarly(replayError, requestID: requestIDs.next(), context: context)
            } else {
                context.close(promise: nil)
            }
            return
        }
    }

    private enum TimerKind { case read, idle }

    private func arm(_ kind: TimerKind, context: ChannelHandlerContext) {
        timer?.cancel()
        let delay = kind == .read ? configuration.readTimeout : configuration.idleTimeout
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(delay.nanosecondsClamped))) {
            let (handler, context) = loopBound.value
            handler.timerFired(kind, context: context)
        }
    }

    private func timerFired(_ kind: TimerKind, context: ChannelHandlerContext) {
        timer = nil
        switch (kind, state) {
        case (.read, .awaitingHead), (.read, .readingBody):
            respondEarly(
                ReplayError(.requestTimeout, "the request was not complete within \(configuration.readTimeout)"),
                requestID: requestIDs.next(),
                context: context
            )
        case (.idle, .idle):
            state = .closing
            context.close(promise: nil)
        default:
            return
        }
    }

    /// Splits `/path?a=b` into the path and the percent-decoded query items.
    static func splitURI(_ uri: String) -> (path: String, query: [(name: String, value: String)]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, []) }
        let path = String(uri[..<mark])
        let items = uri[uri.index(after: mark)...].split(separator: "&").map { item -> (String, String) in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncodingShim.decode(pair[0])
            let value = pair.count > 1 ? PercentEncodingShim.decode(pair[1]) : ""
            return (name, value)
        }
        return (path, items.map { (name: $0.0, value: $0.1) })
    }
}

extension Duration {
    /// Nanoseconds, clamped to `Int64`.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        guard seconds < Int64.max / 1_000_000_000 else { return Int64.max }
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
