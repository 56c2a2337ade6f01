import Foundation

extension SimulatorStore {
    /// One response Strait's idempotency middleware keeps: a 2xx, for 24 hours.
    struct IdempotentAnswer: Sendable {
        var response: SimulatorResponse
        var storedAt: Duration
    }

    /// What the idempotency middleware decided before the replay handler runs.
    enum IdempotencyStep: Sendable {
        /// Run the handler; remember a 2xx under this scope (`nil`: no key, or the middleware is not mounted).
        case proceed(scope: String?)
        /// Answer at once (a remembered answer, or a key that is too long).
        case answer(SimulatorResponse)
    }

    /// How long the middleware keeps an answer (`idempotency_middleware.go:23`).
    static let idempotencyTTL: Duration = .seconds(24 * 3600)
    /// The longest key the middleware accepts, in bytes (`trigger.go:11`).
    static let idempotencyKeyLimit = 256

    /// Strait's idempotency middleware (spec §4), as it would behave if it were mounted on replay: only when the
    /// configuration says so. Otherwise the header is ignored, as on the real replay route today.
    ///
    /// The scope is the caller's API key id, the path and the key (Strait hashes the actor, the cleaned path, the
    /// environment and the key). A remembered answer is the first response's status and body, with this
    /// response's rate-limit headers and `Idempotency-Replayed: true`. The simulator runs a request's whole
    /// check sequence in one critical section, so the middleware's "still in flight" 409 cannot happen here.
    mutating func beginIdempotent(_ request: SimulatorRequest, caller: Caller, now: Now) -> IdempotencyStep {
        guard configuration.honorsReplayIdempotencyKey,
            let key = request.header("Idempotency-Key") ?? request.header("X-Idempotency-Key"), !key.isEmpty
        else { return .proceed(scope: nil) }
        guard key.utf8.count <= Self.idempotencyKeyLimit else {
            return .answer(
                .envelope(
                    status: 400,
                    message: "idempotency key must be 256 characters or fewer",
                    requestID: caller.requestID,
                    headers: caller.headers
                )
            )
        }
        let scope = "apikey:\(caller.key.id)\n\(request.path)\n\(key)"
        if let kept = idempotentAnswers[scope] {
            if now.monotonic - kept.storedAt < Self.idempotencyTTL {
                var response = SimulatorResponse(status: kept.response.status, headers: caller.headers)
                response.headers.replaceOrAdd(
                    name: "Content-Type",
                    value: kept.response.headers.first(name: "Content-Type") ?? "application/json"
                )
                response.headers.replaceOrAdd(name: "Idempotency-Replayed", value: "true")
                response.body = kept.response.body
                replayCounts.idempotencyReplayed += 1
                return .answer(response)
            }
            idempotentAnswers[scope] = nil
        }
        return .proceed(scope: scope)
    }

    /// Remembers the handler's answer under `scope` when it is a 2xx (a non-2xx answer is not kept, so a retry
    /// runs the handler again).
    mutating func finishIdempotent(scope: String?, handlerAnswer: SimulatorResponse, now: Now) {
        guard let scope, (200..<300).contains(handlerAnswer.status) else { return }
        idempotentAnswers[scope] = IdempotentAnswer(response: handlerAnswer, storedAt: now.monotonic)
    }
}
