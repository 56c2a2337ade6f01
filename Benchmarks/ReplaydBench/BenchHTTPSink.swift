import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 that answers every request `200 {"ok":true}` and counts requests by the
/// first segment of their path. It stands in for Slack's `response_url` and Discord's follow-up API, so the
/// daemon's replies go somewhere local and can be counted.
final class BenchHTTPSink: Sendable {
    private let channel: any Channel
    private let counts: SinkCounts

    /// The port it listens on.
    let port: Int

    private init(channel: any Channel, counts: SinkCounts, port: Int) {
        self.channel = channel
        self.counts = counts
        self.port = port
    }

    /// Starts listening on an ephemeral port.
    static func start() async throws -> BenchHTTPSink {
        let counts = SinkCounts()
        let record: @Sendable (String) -> Void = { path in
            let first = path.split(separator: "/").first.map(String.init) ?? ""
            counts.values.withLock { $0[first, default: 0] += 1 }
        }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(SinkHandler(record: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw BenchError("the reply sink has no local port")
        }
        return BenchHTTPSink(channel: channel, counts: counts, port: port)
    }

    /// Requests received whose path starts with `/<segment>/`.
    func requests(under segment: String) -> Int {
        counts.values.withLock { $0[segment] ?? 0 }
    }

    /// Stops listening.
    func stop() async {
        try? await channel.close()
    }
}

/// Requests by first path segment.
private final class SinkCounts: Sendable {
    let values = Mutex<[String: Int]>([:])
}

/// Answers each complete request with 200 and records its path.
private final class SinkHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let record: @Sendable (String) -> Void
    private var path = ""

    init(record: @escaping @Sendable (String) -> Void) {
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
        case .body:
            break
        case .end:
            record(path)
            let body = context.channel.allocator.buffer(string: #"{"ok":true}"#)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
