import Logging
import NIOCore
import NIOHTTP1

/// One webhook connection: reads HTTP/1.1 requests with limits, decides everything it can from the head alone
/// (body size, route, throttle, rate limit) before reading the body, and hands admitted requests to the handler.
///
/// Order of the checks at the head: connection limit or shutdown (503), declared `Content-Length` over the cap
/// (413), method (404 for GET and HEAD, 405 otherwise), route and source (404), verification-failure block
/// (429), pre-auth token bucket (429). A chunked body that grows past the cap gets 413. Every early answer closes
/// the connection, since the body was not read. Requests on one connection are answered in order.
final class WebhookConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Sent down every open connection when graceful shutdown begins.
    struct ShutdownEvent: Sendable {}

    private struct Admitted {
        var head: HTTPRequestHead
        var source: String
        var client: String
        var requestID: String
        var receivedAt: Duration
        var logger: Logger
    }

    private enum State {
        /// Between requests; the idle timer runs.
        case idle
        /// Bytes of a request arrived (or the connection is new), its head is not complete; the read timer runs.
        case awaitingHead
        /// Reading the body of an admitted request; the read timer runs.
        case readingBody(Admitted, body: [UInt8])
        /// The handler is working on a request.
        case processing
        /// An answer that closes the connection was sent; ignore the rest.
        case closing
    }

    private let dependencies: WebhookServerDependencies
    private let peerAddress: String
    private let overloaded: Bool
    private var state = State.idle
    private var shuttingDown = false
    /// `true` while an admitted request's body is being read (the registry counts it in flight).
    private var readingCounted = false
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    private var heldBack: [HTTPServerRequestPart] = []

    init(dependencies: WebhookServerDependencies, peerAddress: String, overloaded: Bool) {
        self.dependencies = dependencies
        self.peerAddress = peerAddress
        self.overloaded = overloaded
    }

    private var configuration: WebhookServerConfiguration { dependencies.configuration }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // A client connects to send a request: the read timeout applies from the start.
        state = .awaitingHead
        arm(.read, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        endReading()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        endReading()
        context.fireChannelInactive()
    }

    /// Called by `ByteActivityHandler` when request bytes arrive.
    func bytesArrived() {
        if case .idle = state, let context {
            state = .awaitingHead
            arm(.read, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ShutdownEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        shuttingDown = true
        switch state {
        case .idle, .awaitingHead:
            // Nothing admitted on this connection: close it now rather than accept another request.
            state = .closing
            timer?.cancel()
            context.close(promise: nil)
        case .readingBody, .processing, .closing:
            // The request in progress is answered, with `Connection: close`.
            return
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
        case (.body(var buffer), .readingBody(let admitted, var body)):
            guard body.count + buffer.readableBytes <= configuration.maxBodySize else {
                admitted.logger.notice(
                    "refused: body grew past the cap",
                    metadata: ["cap": "\(configuration.maxBodySize)"]
                )
                respondEarly(Self.tooLarge(configuration.maxBodySize), requestID: admitted.requestID, context: context)
                return
            }
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            state = .readingBody(admitted, body: body)
        case (.end, .readingBody(let admitted, let body)):
            dispatch(admitted, body: body, context: context)
        default:
            return
        }
    }

    private func receivedHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let requestID = dependencies.requestIDs.next()
        var logger = dependencies.logger
        logger[metadataKey: "request_id"] = "\(requestID)"
        logger[metadataKey: "peer"] = "\(peerAddress)"
        if overloaded {
            logger.notice("refused: connection limit", metadata: ["max_connections": "\(configuration.maxConnections)"])
            respondEarly(
                WebhookRejection(
                    .unavailable,
                    "replayd is at its limit of \(configuration.maxConnections) connections"
                ),
                requestID: requestID,
                context: context
            )
            return
        }
        if shuttingDown {
            respondEarly(
                WebhookRejection(.unavailable, "replayd is shutting down"),
                requestID: requestID,
                context: context
            )
            return
        }
        if let declared = head.headers.first(name: "Content-Length").flatMap(Int.init),
            declared > configuration.maxBodySize
        {
            logger.notice(
                "refused: declared body over the cap",
                metadata: ["content_length": "\(declared)", "cap": "\(configuration.maxBodySize)"]
            )
            respondEarly(Self.tooLarge(configuration.maxBodySize), requestID: requestID, context: context)
            return
        }
        guard head.method == .POST else {
            let rejection =
                head.method == .GET || head.method == .HEAD
                ? WebhookRejection(.notFound, "no such route; webhooks are POST /hooks/{source}")
                : WebhookRejection(.methodNotAllowed, "webhooks are POST /hooks/{source}")
            logger.debug("refused: method", metadata: ["method": "\(head.method.rawValue)"])
            respondEarly(rejection, requestID: requestID, context: context)
            return
        }
        guard let source = Self.source(inURI: head.uri), dependencies.sources.contains(source) else {
            logger.debug("refused: no such source")
            respondEarly(
                WebhookRejection(.notFound, "no such webhook source; webhooks are POST /hooks/{source}"),
                requestID: requestID,
                context: context
            )
            return
        }
        let client = dependencies.trustedProxies.clientAddress(
            peer: peerAddress,
            forwardedFor: head.headers["X-Forwarded-For"]
        )
        logger[metadataKey: "source"] = "\(source)"
        logger[metadataKey: "client"] = "\(client)"
        let blocked = dependencies.throttle.check(source: source, client: client)
        if let seconds = blocked.retryAfterSeconds {
            logger.info("refused: client blocked after failed verifications", metadata: ["retry_after": "\(seconds)"])
            respondEarly(
                WebhookRejection(
                    .throttled,
                    "too many requests from this client failed verification; retry later",
                    retryAfterSeconds: seconds
                ),
                requestID: requestID,
                context: context
            )
            return
        }
        let admission = dependencies.limiter.acquire(source: source)
        if let seconds = admission.retryAfterSeconds {
            logger.info("refused: source rate limit", metadata: ["retry_after": "\(seconds)"])
            respondEarly(
                WebhookRejection(
                    .rateLimited,
                    "too many requests for this source; retry later",
                    retryAfterSeconds: seconds
                ),
                requestID: requestID,
                context: context
            )
            return
        }
        dependencies.registry.requestStarted()
        readingCounted = true
        if head.headers[canonicalForm: "Expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            context.writeAndFlush(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                promise: nil
            )
        }
        let admitted = Admitted(
            head: head,
            source: source,
            client: client,
            requestID: requestID,
            receivedAt: dependencies.clock.monotonicNow(),
            logger: logger
        )
        state = .readingBody(admitted, body: [])
    }

    private func dispatch(_ admitted: Admitted, body: [UInt8], context: ChannelHandlerContext) {
        state = .processing
        timer?.cancel()
        timer = nil
        // The task below now owns the in-flight count.
        readingCounted = false
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        let request = WebhookHTTPRequest(
            source: admitted.source,
            headers: admitted.head.headers.map { (name: $0.name, value: $0.value) },
            body: body,
            clientAddress: admitted.client,
            peerAddress: peerAddress,
            requestID: admitted.requestID,
            receivedAt: admitted.receivedAt,
            logger: admitted.logger
        )
        let keepAlive = admitted.head.isKeepAlive
        let version = admitted.head.version
        let dependencies = self.dependencies
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        Task {
            let response = await dependencies.handler.handle(request)
            let throttle = dependencies.throttle
            if response.verificationFailed {
                if let block = throttle.recordFailure(source: request.source, client: request.clientAddress) {
                    request.logger.notice(
                        "blocking client after repeated verification failures",
                        metadata: ["block_seconds": "\(block.components.seconds)"]
                    )
                }
            } else if (200..<300).contains(response.status) {
                throttle.recordSuccess(source: request.source, client: request.clientAddress)
            }
            let elapsed = dependencies.clock.monotonicNow() - request.receivedAt
            request.logger.info(
                "webhook answered",
                metadata: [
                    "status": "\(response.status)", "body_bytes": "\(request.body.count)",
                    "verification_failed": "\(response.verificationFailed)",
                    "duration_ms": "\(Int(elapsed / .milliseconds(1)))",
                ]
            )
            loopBound.eventLoop.execute {
                let (handler, context) = loopBound.value
                handler.write(
                    response,
                    requestID: request.requestID,
                    version: version,
                    keepAlive: keepAlive,
                    context: context
                )
                dependencies.registry.requestFinished()
            }
        }
    }

    private func endReading() {
        guard readingCounted else { return }
        readingCounted = false
        dependencies.registry.requestFinished()
    }

    private func respondEarly(_ rejection: WebhookRejection, requestID: String, context: ChannelHandlerContext) {
        endReading()
        state = .closing
        write(
            rejection.response(requestID: requestID),
            requestID: requestID,
            version: .http1_1,
            keepAlive: false,
            context: context
        )
    }

    private func write(
        _ response: WebhookHTTPResponse,
        requestID: String,
        version: HTTPVersion,
        keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        guard context.channel.isActive else {
            state = .closing
            return
        }
        let close = !keepAlive || shuttingDown
        var headers = HTTPHeaders()
        let reserved: Set<String> = ["content-length", "transfer-encoding", "connection", "x-request-id"]
        for field in response.headers where !reserved.contains(field.name.lowercased()) {
            headers.add(name: field.name, value: field.value)
        }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        if !headers.contains(name: "Cache-Control") { headers.add(name: "Cache-Control", value: "no-store") }
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
            return
        }
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

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .closing = state { return }
        guard let parserError = error as? HTTPParserError else {
            state = .closing
            context.close(promise: nil)
            return
        }
        let rejection =
            parserError == .headerOverflow
            ? WebhookRejection(
                .headersTooLarge,
                "request line and headers are over the \(configuration.maxHeaderSize)-byte limit"
            )
            : WebhookRejection(.badRequest, "malformed HTTP request")
        respondEarly(rejection, requestID: dependencies.requestIDs.next(), context: context)
    }

    private enum TimerKind { case read, idle }

    private func arm(_ kind: TimerKind, context: ChannelHandlerContext) {
        timer?.cancel()
        let delay = kind == .read ? configuration.readTimeout : configuration.idleTimeout
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(delay.nanosecondsClamped)) {
            let (handler, context) = loopBound.value
            handler.timerFired(kind, context: context)
        }
    }

    private func timerFired(_ kind: TimerKind, context: ChannelHandlerContext) {
        timer = nil
        switch (kind, state) {
        case (.read, .awaitingHead), (.read, .readingBody):
            respondEarly(
                WebhookRejection(.requestTimeout, "the request was not complete within \(configuration.readTimeout)"),
                requestID: dependencies.requestIDs.next(),
                context: context
            )
        case (.idle, .idle):
            state = .closing
            context.close(promise: nil)
        default:
            return
        }
    }

    private static func tooLarge(_ cap: Int) -> WebhookRejection {
        WebhookRejection(.payloadTooLarge, "request body is over the \(cap)-byte limit")
    }

    /// The source named by `/hooks/{source}` (a query string is ignored), or `nil` for any other path.
    static func source(inURI uri: String) -> String? {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let prefix = "/hooks/"
        guard path.hasPrefix(prefix) else { return nil }
        let name = path.dropFirst(prefix.count)
        guard !name.isEmpty, !name.contains("/") else { return nil }
        return String(name)
    }
}
