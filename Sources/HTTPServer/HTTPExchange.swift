import Logging
import NIOCore
import NIOHTTP1

/// One connection's request loop, kept apart from `HTTPServer` so that the per-connection state is in one place.
struct HTTPExchange<Door: HTTPDoor> {
    let server: HTTPServer<Door>
    let channel: any Channel
    let peer: Door.Peer
    let admission: HTTPConnectionRegistry.Admission
    let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    let logger: Logger

    private var configuration: HTTPServerConfiguration { server.configuration }

    /// Reads, checks and answers one request. Returns `false` when the connection is to close.
    mutating func serveNext(
        _ parts: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    )
        async throws -> Bool
    {
        let first: HTTPServerRequestPart?
        do {
            first = try await parts.next()
        } catch {
            try await refuseUnreadable(error)
            return false
        }
        guard case .head(let head) = first else { return false }
        let context = makeContext()
        let shuttingDown = server.registry.setBusy(channel, true)
        defer { server.registry.setBusy(channel, false) }

        if let refusal = refusalAtHead(head, shuttingDown: shuttingDown) {
            context.logger.notice("refused at the head", metadata: ["reason": "\(refusal.code.rawValue)"])
            try await write(server.door.render(refusal, context: context), head: head, context: context, close: true)
            return false
        }
        let admitted: Door.Admission
        switch await server.door.checkHead(head, from: peer, context: context) {
        case .answer(let response):
            // A request with no body is complete at its head: the connection can go on. One with a body is
            // answered without reading it, so the connection closes.
            let close =
                response.closeConnection || Self.mayHaveBody(head) || !head.isKeepAlive
                || server.registry.isShuttingDown
            if !close {
                guard case .end = try await parts.next() else { return false }
            }
            try await write(response, head: head, context: context, close: close, version: head.version)
            return !close
        case .admit(let admission):
            admitted = admission
        }
        if head.headers[canonicalForm: "Expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
        }

        var body: [UInt8] = []
        reading: while true {
            let part: HTTPServerRequestPart?
            do {
                part = try await parts.next()
            } catch {
                try await refuseUnreadable(error)
                return false
            }
            switch part {
            case .body(var buffer):
                guard body.count + buffer.readableBytes <= configuration.maxBodyBytes else {
                    context.logger.notice("refused: body grew past the limit")
                    try await write(
                        server.door.render(Self.tooLarge(configuration.maxBodyBytes), context: context),
                        head: head,
                        context: context,
                        close: true
                    )
                    return false
                }
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                break reading
            case .head, nil:
                return false
            }
        }

        let request = HTTPServerRequest(head: head, body: body)
        let response = await server.door.respond(to: request, admission: admitted, from: peer, context: context)
        // Cancelled: the shutdown grace period is over and the connection is being closed; nothing more is written.
        if Task.isCancelled { return false }
        let close = response.closeConnection || !head.isKeepAlive || server.registry.isShuttingDown
        try await write(response, head: head, context: context, close: close, version: head.version)
        return !close
    }

    private func makeContext() -> HTTPRequestContext {
        let requestID = server.requestIDs.next()
        var requestLogger = logger
        requestLogger[metadataKey: "request_id"] = "\(requestID)"
        return HTTPRequestContext(requestID: requestID, logger: requestLogger)
    }

    /// The core's own refusals at the head, in order: connection caps and shutdown (503), then the declared body
    /// size (413).
    private func refusalAtHead(_ head: HTTPRequestHead, shuttingDown: Bool) -> HTTPRefusal? {
        switch admission {
        case .overTotal:
            return HTTPRefusal(
                .unavailable,
                "replayd is at its limit of \(configuration.maxConnections) connections",
                retryAfterSeconds: 1
            )
        case .overClient:
            return HTTPRefusal(
                .tooManyConnections,
                "this client already holds \(configuration.maxConnectionsPerClient) connections, the most one "
                    + "client may hold; reuse a connection or close one",
                retryAfterSeconds: 1
            )
        case .admitted:
            break
        }
        if shuttingDown {
            return HTTPRefusal(.unavailable, "replayd is shutting down", retryAfterSeconds: 1)
        }
        if let declared = head.headers.first(name: "Content-Length").flatMap(Int.init),
            declared > configuration.maxBodyBytes
        {
            return Self.tooLarge(configuration.maxBodyBytes)
        }
        return nil
    }

    /// Whether a body may follow `head`: a chunked body, or a `Content-Length` other than 0.
    private static func mayHaveBody(_ head: HTTPRequestHead) -> Bool {
        if head.headers.contains(name: "Transfer-Encoding") { return true }
        return head.headers["Content-Length"].contains { $0 != "0" }
    }

    private static func tooLarge(_ limit: Int) -> HTTPRefusal {
        HTTPRefusal(.payloadTooLarge, "request body is over the \(limit)-byte limit")
    }

    /// Answers a request that could not be read (a parser error or a deadline) and ends the connection.
    private func refuseUnreadable(_ error: any Error) async throws {
        let refusal: HTTPRefusal
        switch error {
        case let parserError as HTTPParserError where parserError == .headerOverflow:
            refusal = HTTPRefusal(
                .headersTooLarge,
                "request line and headers are over the \(configuration.maxHeaderBytes)-byte limit"
            )
        case is HTTPParserError:
            refusal = HTTPRefusal(.badRequest, "malformed HTTP request")
        case let deadline as HTTPDeadlineExceeded:
            refusal = HTTPRefusal(
                .requestTimeout,
                deadline.kind == .head
                    ? "the request head was not complete within \(configuration.headTimeout)"
                    : "the request was not complete within \(configuration.readTimeout)"
            )
        default:
            throw error
        }
        let context = makeContext()
        context.logger.notice("refused: request unreadable", metadata: ["reason": "\(refusal.code.rawValue)"])
        try await write(server.door.render(refusal, context: context), head: nil, context: context, close: true)
    }

    /// Writes `response` to `head` (`nil`: a request that could not be read), after the door's decoration.
    private func write(
        _ response: HTTPServerResponse,
        head request: HTTPRequestHead?,
        context: HTTPRequestContext,
        close: Bool,
        version: HTTPVersion = .http1_1
    ) async throws {
        var response = response
        server.door.decorate(&response, head: request, from: peer, context: context)
        // The core frames the message: a responder's framing fields are dropped or replaced below.
        var headers = response.headers
        headers.remove(name: "Transfer-Encoding")
        headers.remove(name: "Connection")
        for (name, value) in configuration.fixedHeaders { headers.replaceOrAdd(name: name, value: value) }
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "X-Request-Id", value: context.requestID)
        if !headers.contains(name: "Cache-Control") { headers.add(name: "Cache-Control", value: "no-store") }
        if close { headers.replaceOrAdd(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: .init(statusCode: response.status), headers: headers)
        var parts: [HTTPServerResponsePart] = [.head(head)]
        if !response.body.isEmpty {
            parts.append(.body(.byteBuffer(channel.allocator.buffer(bytes: response.body))))
        }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)
    }
}
