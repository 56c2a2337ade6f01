import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The per-connection handler of `TestHTTPServer`: collects a request, then does what the server says.
final class TestHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: TestHTTPServer
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(server: TestHTTPServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else {
                return
            }
            let request = RecordedRequest(
                method: head.method.rawValue,
                uri: head.uri,
                headers: head.headers.map { (name: $0.name, value: $0.value) },
                body: body
            )
            act(on: server.received(request), version: head.version, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.connectionClosed()
        context.fireChannelInactive()
    }

    private func act(on action: TestServerAction, version: HTTPVersion, context: ChannelHandlerContext) {
        switch action {
        case .respond(let response):
            write(response, version: version, context: context)
        case .stall:
            break
        case .hangUp:
            context.close(promise: nil)
        case .respondAndClose(let response):
            let written = context.eventLoop.makePromise(of: Void.self)
            write(response, version: version, context: context, promise: written)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
        case .reset:
            guard let provider = context.channel as? any SocketOptionProvider else {
                context.close(promise: nil)
                return
            }
            provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        case .stopListeningAndHangUp:
            guard let stopped = server.stopListening() else {
                context.close(promise: nil)
                return
            }
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            stopped.whenComplete { _ in
                bound.eventLoop.execute { bound.value.close(promise: nil) }
            }
        case .holdUntil(let count, let response):
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            server.hold(until: count) {
                bound.eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.write(response, version: version, context: context)
                }
            }
        }
    }

    private func write(
        _ response: TestResponse,
        version: HTTPVersion,
        context: ChannelHandlerContext,
        promise: EventLoopPromise<Void>? = nil
    ) {
        var headers = HTTPHeaders()
        for field in response.headers {
            headers.add(name: field.name, value: field.value)
        }
        headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
        let head = HTTPResponseHead(version: version, status: .init(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }
}

/// Counts the raw bytes a connection receives, before HTTP decoding.
final class ByteCountingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let server: TestHTTPServer

    init(server: TestHTTPServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        server.received(byteCount: unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }
}
