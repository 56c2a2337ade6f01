import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as the test server read it.
struct RecordedRequest: Sendable {
    var method: String
    var uri: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A response the test server writes.
struct TestResponse: Sendable {
    var status: Int = 200
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
}

/// What the test server does once it has read a whole request.
enum TestServerAction: Sendable {
    /// Answer now.
    case respond(TestResponse)
    /// Never answer; keep the connection open.
    case stall
    /// Reset the connection: `SO_LINGER` 0, then close, so the peer gets an RST.
    case reset
    /// Hold the answer until this many requests are held at the same time, then answer them all.
    case holdUntil(Int, TestResponse)
    /// Close the connection without answering (a FIN, no RST).
    case hangUp
    /// Answer (without `Connection: close`), then close the connection, as a server's idle timeout would.
    case respondAndClose(TestResponse)
    /// Stop listening (new connections are refused), then close this connection without answering.
    case stopListeningAndHangUp
}

/// A small HTTP/1.1 server on 127.0.0.1 (ephemeral port) or a Unix socket, one per test.
///
/// It records every request, counts connections, and does with each request what its handler says.
final class TestHTTPServer: Sendable {
    struct State {
        var port = 0
        var accepted = 0
        var bytesReceived = 0
        var closed = 0
        var requests: [RecordedRequest] = []
        var held: [@Sendable () -> Void] = []
        var children: [any Channel] = []
        var waiters: [(condition: @Sendable (State) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())
    private let handler: @Sendable (RecordedRequest) -> TestServerAction
    private let channel = Mutex<(any Channel)?>(nil)

    /// The TCP port, or 0 for a Unix socket server.
    var port: Int { state.withLock { $0.port } }

    private init(handler: @escaping @Sendable (RecordedRequest) -> TestServerAction) {
        self.handler = handler
    }

    /// Starts a server; `unixSocketPath` makes it listen there instead of on 127.0.0.1.
    static func start(
        unixSocketPath: String? = nil,
        handler: @escaping @Sendable (RecordedRequest) -> TestServerAction
    ) async throws -> TestHTTPServer {
        let server = TestHTTPServer(handler: handler)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                server.accepted(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteCountingHandler(server: server))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(TestHTTPHandler(server: server))
                }
            }
        let channel: any Channel
        if let unixSocketPath {
            channel = try await bootstrap.bind(unixDomainSocketPath: unixSocketPath, cleanupExistingSocketFile: true)
                .get()
        } else {
            channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
            let port = channel.localAddress?.port ?? 0
            server.state.withLock { $0.port = port }
        }
        server.channel.withLock { $0 = channel }
        return server
    }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String = "/") -> String {
        "http://127.0.0.1:\(port)\(path)"
    }

    /// Connections accepted so far.
    var connectionsAccepted: Int { state.withLock { $0.accepted } }

    /// Raw bytes read from all connections so far.
    var bytesReceived: Int { state.withLock { $0.bytesReceived } }

    /// Every request read so far.
    var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Returns once at least `count` requests have been read completely.
    func waitForRequests(_ count: Int) async {
        await wait { $0.requests.count >= count }
    }

    /// Returns once at least `count` connections have closed.
    func waitForClosedConnections(_ count: Int) async {
        await wait { $0.closed >= count }
    }

    /// Closes the listening socket; open connections stay.
    func stopListening() -> EventLoopFuture<Void>? {
        channel.withLock { $0 }?.close()
    }

    /// Closes the listener and every open connection.
    func stop() async {
        let listener = channel.withLock { $0 }
        try? await listener?.close()
        let children = state.withLock { $0.children }
        for child in children {
            try? await child.close()
        }
    }

    private func wait(until condition: @escaping @Sendable (State) -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let satisfied = state.withLock { state in
                if condition(state) {
                    return true
                }
                state.waiters.append((condition, continuation))
                return false
            }
            if satisfied {
                continuation.resume()
            }
        }
    }

    /// Applies `change` and resumes the waiters it satisfied.
    private func update(_ change: (inout State) -> Void) {
        let ready = state.withLock { state in
            change(&state)
            let current = state
            let ready = state.waiters.filter { $0.condition(current) }.map(\.continuation)
            state.waiters.removeAll { $0.condition(current) }
            return ready
        }
        for continuation in ready {
            continuation.resume()
        }
    }

    fileprivate func accepted(_ channel: any Channel) {
        update {
            $0.accepted += 1
            $0.children.append(channel)
        }
    }

    /// Called by `ByteCountingHandler` for every read.
    func received(byteCount: Int) {
        update { $0.bytesReceived += byteCount }
    }

    /// Called by the handler when a connection closes.
    func connectionClosed() {
        update { $0.closed += 1 }
    }

    /// Records a complete request and returns what to do with it.
    func received(_ request: RecordedRequest) -> TestServerAction {
        update { $0.requests.append(request) }
        return handler(request)
    }

    /// Holds `release` until `count` are held at once, then runs them all.
    func hold(until count: Int, release: @escaping @Sendable () -> Void) {
        let releases: [@Sendable () -> Void] = state.withLock { state in
            state.held.append(release)
            guard state.held.count >= count else {
                return []
            }
            let all = state.held
            state.held = []
            return all
        }
        for release in releases {
            release()
        }
    }
}
