import Synchronization

/// The last thing replayd saw of the upstream, for `GET /v1/gateway/status`.
public final class UpstreamHealth: Sendable {
    /// A snapshot.
    public struct Snapshot: Sendable, Hashable {
        /// `unknown` before the first call, then `ok` or `failing`.
        public var state: String
        /// Wall time (Unix seconds) of the last answer from the upstream, any status.
        public var lastResponseAt: Int64?
        /// Wall time of the last failure to get an answer.
        public var lastFailureAt: Int64?
        /// What that failure was (no secrets: a code and libcurl's message).
        public var lastFailure: String?
        /// The status of the last answer.
        public var lastStatus: Int?
    }

    private let state = Mutex(Snapshot(state: "unknown"))
    private let now: @Sendable () -> Int64

    /// Creates a tracker; `now` is the wall clock in Unix seconds.
    public init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    /// Records an answer from the upstream.
    public func recordResponse(status: Int) {
        let time = now()
        state.withLock {
            $0.state = status >= 500 ? "failing" : "ok"
            $0.lastResponseAt = time
            $0.lastStatus = status
        }
    }

    /// Records a transfer that got no answer.
    public func recordFailure(_ description: String) {
        let time = now()
        state.withLock {
            $0.state = "failing"
            $0.lastFailureAt = time
            $0.lastFailure = description
        }
    }

    /// The current snapshot.
    public var snapshot: Snapshot { state.withLock { $0 } }
}
