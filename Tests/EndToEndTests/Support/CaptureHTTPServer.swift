import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP server on 127.0.0.1 that answers every request 200 and keeps what it got: the stand-in for Slack's
/// `response_url` and Discord's follow-up endpoint.
final class CaptureHTTPServer: Sendable {
    /// One request as received.
    struct Captured: Sendable {
        var method: String
        var path: String
        var body: String
    }

    private let captured = Mutex<[Captured]>([])
    private let channel = Mutex<(any Channel)?>(nil)

    /// The URL of `path` on this server.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    private let boundPort = Mutex(0)

    /// The port it listens on.
    var port: Int { boundPort.withLock { $0 } }

    /// Everything received so far.
    var requests: [Captured] { captured.withLock { $0 } }

    /// Starts listening on an ephemeral port.
    static func start() async throws -> CaptureHTTPServer {
        let server = CaptureHTTPServer()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(CaptureHandler(server: server))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        server.boundPort.withLock { $0 = channel.localAddress?.port ?? 0 }
        server.channel.withLock { $0 = channel }
        return server
    }

    /// Waits up to `limit` for a request matching `predicate`.
    func waitFor(
        limit: Duration = EndToEndHarness.hangGuard,
        _ predicate: (Captured) -> Bool
    ) async -> Captured? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let match = requests.first(where: predicate) { return match }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Stops listening.
    func stop() async {
        try? await channel.withLock { $0 }?.close()
    }

    fileprivate func record(_ request: Captured) {
        captured.withLock { $0.append(request) }
    }

    private final class CaptureHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let server: CaptureHTTPServer
        private var head: HTTPRequestHead?
        private var body: [UInt8] = []

        init(server: CaptureHTTPServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
                body = []
            case .body(let buffer):
                body += buffer.readableBytesView
            case .end:
                guard let head else { return }
                server.record(
                    Captured(method: head.method.rawValue, path: head.uri, body: String(decoding: body, as: UTF8.self))
                )
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "2")
                context.write(
                    wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))),
                    promise: nil
                )
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "{}")))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
