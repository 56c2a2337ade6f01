import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as `FollowUpTestServer` read it.
struct FollowUpRecordedRequest: Sendable {
    var method: String
    var uri: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What `FollowUpTestServer` answers.
struct FollowUpTestResponse: Sendable {
    var status: Int = 200
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []

    /// `status` with a text body.
    static func text(_ status: Int, _ body: String = "", headers: [(name: String, value: String)] = []) -> Self {
        FollowUpTestResponse(status: status, headers: headers, body: Array(body.utf8))
    }
}

/// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port), standing in for Slack and Discord: it records every
/// request and answers each with what its handler returns for the request's number (0 for the first).
final class FollowUpTestServer: Sendable {
    private struct State {
        var requests: [FollowUpRecordedRequest] = []
        var children: [any Channel] = []
    }

    private let state = Mutex(State())
    private let handler: @Sendable (Int, FollowUpRecordedRequest) -> FollowUpTestResponse
    private let listener = Mutex<(any Channel)?>(nil)
    private let boundPort = Mutex(0)

    private init(handler: @escaping @Sendable (Int, FollowUpRecordedRequest) -> FollowUpTestResponse) {
        self.handler = handler
    }

    /// Starts a server answering with `handler`.
    static func start(
        handler: @escaping @Sendable (Int, FollowUpRecordedRequest) -> FollowUpTestResponse
    ) async throws -> FollowUpTestServer {
        let server = FollowUpTestServer(handler: handler)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                server.state.withLock { $0.children.append(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FollowUpTestHandler(server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = channel.localAddress?.port ?? 0
        server.boundPort.withLock { $0 = port }
        server.listener.withLock { $0 = channel }
        return server
    }

    /// Starts a server answering the requests in order with `responses`, and every later one with the last.
    static func start(answering responses: [FollowUpTestResponse]) async throws -> FollowUpTestServer {
        try await start { index, _ in
            responses.isEmpty ? FollowUpTestResponse() : responses[min(index, responses.count - 1)]
        }
    }

    /// The bound TCP port.
    var port: Int { boundPort.withLock { $0 } }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Every request read so far, in order.
    var requests: [FollowUpRecordedRequest] { state.withLock { $0.requests } }

    /// Closes the listener and every open connection.
    func stop() async {
        let listener = listener.withLock { $0 }
        try? await listener?.close()
        for child in state.withLock({ $0.children }) {
            try? await child.close()
        }
    }

    /// Records a complete request and returns the answer.
    fileprivate func received(_ request: FollowUpRecordedRequest) -> FollowUpTestResponse {
        let index = state.withLock { state -> Int in
            state.requests.append(request)
            return state.requests.count - 1
        }
        return handler(index, request)
    }
}

/// Collects one request at a time and writes the server's answer.
private final class FollowUpTestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let server: FollowUpTestServer
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(server: FollowUpTestServer) {
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
            guard let head else { return }
            let response = server.received(
                FollowUpRecordedRequest(
                    method: head.method.rawValue,
                    uri: head.uri,
                    headers: head.headers.map { (name: $0.name, value: $0.value) },
                    body: body
                )
            )
            var headers = HTTPHeaders()
            for field in response.headers {
                headers.add(name: field.name, value: field.value)
            }
            headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
            let responseHead = HTTPResponseHead(
                version: head.version,
                status: .init(statusCode: response.status),
                headers: headers
            )
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            if !response.body.isEmpty {
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
