import Curl
import Foundation
import Strait

/// Sends one replay and follows it to its outcome: re-sends while the same key is in flight (409), follows a
/// `202 outcome_pending` by reading the record until it is final, and stops at the wait timeout, or at once with
/// `--no-wait`. Every decision comes from `WaitPolicy`.
public struct ReplayRunner: Sendable {
    /// The client to replayd.
    public let client: DaemonClient
    /// When to wait and for how long.
    public let policy: WaitPolicy
    /// The clock waits are measured and slept on.
    public let clock: any WaitClock

    /// Creates a runner.
    public init(client: DaemonClient, policy: WaitPolicy, clock: any WaitClock = SystemWaitClock()) {
        self.client = client
        self.policy = policy
        self.clock = clock
    }

    /// Replays `spec`. `onWaiting` is called once, when the runner starts waiting for an outcome (a 409 or a
    /// 202 it follows), so a progress display can count the replay as pending meanwhile.
    public func replay(_ spec: ReplayRequestSpec, onWaiting: @Sendable () -> Void = {}) async -> ReplayResult {
        let start = clock.now()
        var toldWaiting = false
        while true {
            let response: HTTPResponse
            do {
                response = try await send(method: "POST", path: spec.path, headers: headers(for: spec))
            } catch {
                return .failed(ReplayFailure(transport: error, key: spec.idempotencyKey))
            }
            let answer = ReplayAnswer(response: response, sentKey: spec.idempotencyKey)
            let decision = policy.decision(
                after: answer,
                elapsed: clock.now() - start,
                requestHasKey: spec.idempotencyKey != nil,
                nowUnixSeconds: clock.unixSeconds()
            )
            switch (answer, decision) {
            case (.created(let created), _):
                return .created(created)
            case (.failed(let failure), _), (.overloaded(let failure, _), .done):
                return .failed(failure)
            case (_, .resend(let delay)):
                if case .inProgress(let key, _) = answer {
                    if let stuck = await recordNeedingOperator(key: key ?? spec.idempotencyKey) { return stuck }
                    if !toldWaiting {
                        toldWaiting = true
                        onWaiting()
                    }
                }
                await clock.sleep(for: delay)
            case (.inProgress(let key, _), _):
                return await pendingAfterConflict(key: key ?? spec.idempotencyKey)
            case (.pending(let pending), .poll(let delay)):
                if !toldWaiting { onWaiting() }
                return await follow(pending, firstDelay: delay, start: start)
            case (.pending(var pending), _):
                if pending.needsOperator, let key = pending.key {
                    pending.message = ReplayResult.operatorMessage(key: key)
                }
                return .pending(pending)
            case (.overloaded(let failure, _), _):
                return .failed(failure)
            }
        }
    }

    /// The replay request's headers: the spec's, and with `--no-wait` `Prefer: respond-async`, so that replayd
    /// answers `202` as soon as it has durably accepted the replay instead of waiting `[replays] wait` for it.
    private func headers(for spec: ReplayRequestSpec) -> HTTPHeaders {
        var headers = spec.headers
        if !policy.waits { headers.add(name: "Prefer", value: "respond-async") }
        return headers
    }

    /// Sends a request, connecting again (per `WaitPolicy.connectRetryDelays`) when a connection failed before
    /// sending anything: replayd cannot have seen such a request.
    private func send(
        method: String,
        path: String,
        headers: HTTPHeaders = [:]
    ) async throws(DaemonError)
        -> HTTPResponse
    {
        var failures = 0
        while true {
            do {
                return try await client.send(method: method, path: path, headers: headers)
            } catch {
                failures += 1
                guard !error.requestMayHaveArrived, let delay = policy.connectRetryDelay(afterFailures: failures)
                else { throw error }
                await clock.sleep(for: delay)
            }
        }
    }

    /// Reads the record of a `202` until it is final or the wait is over.
    private func follow(_ first: PendingReplay, firstDelay: Duration, start: Duration) async -> ReplayResult {
        guard let key = first.key else { return .pending(first) }
        let path = ReplayPaths.pollPath(location: first.location, key: key)
        var latest = first
        var delay = firstDelay
        while true {
            await clock.sleep(for: delay)
            let response: HTTPResponse
            do {
                response = try await send(method: "GET", path: path)
            } catch {
                return .failed(ReplayFailure(transport: error, key: key))
            }
            guard response.status == 200 else {
                return .failed(ReplayFailure(status: response.status, body: response.body, headers: response.headers))
            }
            guard let record = ReplayRecord.decode(response.body) else {
                return .failed(Self.unreadableRecord(key: key))
            }
            let recordJSON = try? StraitJSON.decoder.decode(JSONValue.self, from: Data(response.body))
            let message = Self.waitedMessage(policy.waitTimeout)
            let result = ReplayResult(record: record, recordJSON: recordJSON, pendingMessage: message)
            guard case .pending(var pending) = result else { return result }
            pending.location = first.location
            latest = pending
            let next = policy.nextPoll(
                retryAfter: response.headers["Retry-After"],
                elapsed: clock.now() - start,
                nowUnixSeconds: clock.unixSeconds(),
                needsOperator: pending.needsOperator
            )
            guard case .poll(let after) = next else { return .pending(latest) }
            delay = after
        }
    }

    /// During 409s: the record, when it is `indeterminate` (only an operator moves it on, so waiting is pointless).
    private func recordNeedingOperator(key: String?) async -> ReplayResult? {
        guard let key, let response = try? await send(method: "GET", path: ReplayPaths.record(key: key)),
            response.status == 200, let record = ReplayRecord.decode(response.body), record.needsOperator
        else { return nil }
        let recordJSON = try? StraitJSON.decoder.decode(JSONValue.self, from: Data(response.body))
        return ReplayResult(record: record, recordJSON: recordJSON, pendingMessage: "")
    }

    /// After a 409 that will not be re-sent: what the record says now, or pending without it.
    private func pendingAfterConflict(key: String?) async -> ReplayResult {
        let message =
            policy.waits
            ? Self.waitedMessage(policy.waitTimeout)
            : "another request with the same idempotency key is in progress"
        guard let key else { return .pending(PendingReplay(key: nil, message: message)) }
        guard let response = try? await send(method: "GET", path: ReplayPaths.record(key: key)),
            response.status == 200, let record = ReplayRecord.decode(response.body)
        else {
            return .pending(PendingReplay(key: key, message: message))
        }
        let recordJSON = try? StraitJSON.decoder.decode(JSONValue.self, from: Data(response.body))
        return ReplayResult(record: record, recordJSON: recordJSON, pendingMessage: message)
    }

    static func waitedMessage(_ timeout: Duration) -> String {
        "the outcome is still not known after waiting \(timeout.components.seconds) s (--wait-timeout); "
            + "replayd keeps working on it"
    }

    static func unreadableRecord(key: String) -> ReplayFailure {
        ReplayFailure(message: "replayd answered a replay record that cannot be read", exitStatus: .general, key: key)
    }
}
