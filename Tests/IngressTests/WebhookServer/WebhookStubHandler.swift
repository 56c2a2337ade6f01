import Ingress
import ReplayCore
import Synchronization

/// A `WebhookRequestHandler` that records every request it is given, answers with a script, and can be held at
/// a gate so a test controls when a request in progress finishes.
final class WebhookStubHandler: WebhookRequestHandler {
    typealias Script = @Sendable (WebhookHTTPRequest) -> WebhookHTTPResponse

    private struct State {
        var requests: [WebhookHTTPRequest] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())
    private let script: Script
    private let gate: WebhookTestGate?
    private let limits: RateLimiter?

    init(
        gate: WebhookTestGate? = nil,
        limits: RateLimiter? = nil,
        script: @escaping Script = { _ in
            WebhookHTTPResponse(
                status: 200,
                headers: ["Content-Type": "text/plain"],
                body: Array("ok".utf8)
            )
        }
    ) {
        self.gate = gate
        self.limits = limits
        self.script = script
    }

    /// Like the real door's: `limits`' `source` (as a Slack source) and `global`, peeked.
    func rateLimitStatus(source: String?) -> [RateLimitStatus] {
        limits?.status(principal: nil, source: source.map { "slack/\($0)" }) ?? []
    }

    func handle(_ request: WebhookHTTPRequest) async -> WebhookHTTPResponse {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.requests.append(request)
            let count = state.requests.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return ready
        }
        for waiter in ready { waiter.resume() }
        if let gate { await gate.wait() }
        return script(request)
    }

    /// How many requests reached the handler.
    var callCount: Int { state.withLock { $0.requests.count } }

    /// Every request the handler was given, in order.
    var requests: [WebhookHTTPRequest] { state.withLock { $0.requests } }

    /// Returns once at least `count` requests reached the handler.
    func waitForCalls(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.requests.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}

/// A gate the stub handler waits at until the test opens it.
final class WebhookTestGate: Sendable {
    private let state = Mutex<(open: Bool, next: Int, waiters: [Int: CheckedContinuation<Void, Never>])>(
        (false, 0, [:])
    )

    /// Returns when the gate opens, or when the waiting task is cancelled (as the HTTP core cancels a responder
    /// still at work when the shutdown grace period is over).
    func wait() async {
        let id = state.withLock { state -> Int in
            state.next += 1
            return state.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.open || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }
}
