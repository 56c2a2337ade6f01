import Curl
import ReplayctlKit
import Synchronization

/// A replayd stand-in: answers POSTs and GETs each from their own script, in order, then with a fallback, and
/// records every request.
final class ScriptedDaemon: Sendable {
    private struct State {
        var posts: [HTTPResponse]
        var gets: [HTTPResponse]
        var requests: [HTTPRequest] = []
    }

    private let state: Mutex<State>
    private let postFallback: HTTPResponse
    private let getFallback: HTTPResponse

    /// A daemon with no record for any key unless `gets` says otherwise.
    init(
        posts: [HTTPResponse],
        gets: [HTTPResponse] = [],
        postFallback: HTTPResponse = HTTPResponse(status: 500),
        getFallback: HTTPResponse = Fixtures.response(404, Fixtures.envelope("not_found", "no such replay"))
    ) {
        state = Mutex(State(posts: posts, gets: gets))
        self.postFallback = postFallback
        self.getFallback = getFallback
    }

    /// The requests received, oldest first.
    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    /// The methods of the requests received, oldest first.
    var methods: [String] { requests.map(\.method) }

    /// A client to this daemon.
    func client() -> DaemonClient {
        let http = ClosureHTTPClient { [self] request async throws(CurlError) -> HTTPResponse in
            self.answer(request)
        }
        return DaemonClient(socketPath: "/test.sock", timeout: .seconds(5), http: http)
    }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        state.withLock { state in
            state.requests.append(request)
            if request.method == "POST" {
                return state.posts.isEmpty ? postFallback : state.posts.removeFirst()
            }
            return state.gets.isEmpty ? getFallback : state.gets.removeFirst()
        }
    }
}

/// A clock whose sleeps only move its reading forward.
final class FakeWaitClock: WaitClock {
    private let reading = Mutex(Duration.zero)
    private let sleeps = Mutex([Duration]())

    /// Every sleep, in order.
    var slept: [Duration] { sleeps.withLock { $0 } }

    func now() -> Duration { reading.withLock { $0 } }

    func sleep(for duration: Duration) async {
        sleeps.withLock { $0.append(duration) }
        reading.withLock { $0 += duration }
    }

    func unixSeconds() -> Int64 { 1_777_636_800 + reading.withLock { $0 }.components.seconds }
}
