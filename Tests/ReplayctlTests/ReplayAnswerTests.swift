import Curl
import ReplayctlKit
import Testing

@Suite struct ReplayAnswerTests {
    @Test func a201IsARunWithWhatReplaydSaidAboutIt() throws {
        let answer = ReplayAnswer(
            response: Fixtures.response(
                201,
                Fixtures.runJSON,
                headers: [("Idempotency-Key", "gen-1"), ("Idempotent-Replayed", "true"), ("Replayd-Coalesced", "true")]
            ),
            sentKey: nil
        )
        guard case .created(let created) = answer else {
            Issue.record("expected created, got \(answer)")
            return
        }
        #expect(created.key == "gen-1")
        #expect(created.newRunID == "run_new_1")
        #expect(created.replayed && created.coalesced)
        #expect(created.body != nil)
    }

    @Test func a409InProgressIsRetriedButOther409sAreConflicts() {
        let inProgress = ReplayAnswer(
            response: Fixtures.response(
                409,
                Fixtures.envelope("request_in_progress", "busy"),
                headers: [("Retry-After", "1")]
            ),
            sentKey: "k"
        )
        guard case .inProgress(let key, let retryAfter) = inProgress else {
            Issue.record("expected in progress, got \(inProgress)")
            return
        }
        #expect(key == "k" && retryAfter == "1")
        let conflict = ReplayAnswer(response: Fixtures.response(409, Fixtures.envelope("conflict", "no")), sentKey: nil)
        guard case .failed(let failure) = conflict else {
            Issue.record("expected failed, got \(conflict)")
            return
        }
        #expect(failure.exitStatus == .conflict)
    }

    @Test func aReusedKeyIsExitSevenWithAClearMessage() {
        let answer = ReplayAnswer(
            response: Fixtures.response(
                422,
                Fixtures.envelope("idempotency_key_reused", "key used for another request")
            ),
            sentKey: "my-key"
        )
        guard case .failed(let failure) = answer else {
            Issue.record("expected failed, got \(answer)")
            return
        }
        #expect(failure.exitStatus == .badRequest)
        #expect(failure.errorCode == "idempotency_key_reused")
        #expect(failure.message.hasPrefix("idempotency key \"my-key\" was already used for a different replay"))
        #expect(failure.message.contains("use a new key"))
        #expect(failure.requestID == "rq_1")
    }

    @Test func a202IsPendingWithItsRecord() {
        let body =
            #"{"error":{"code":"outcome_pending","message":"still working"},"replay":"#
            + Fixtures.record(key: "k9", state: "reconciling") + "}"
        let answer = ReplayAnswer(
            response: Fixtures.response(
                202,
                body,
                headers: [("Idempotency-Key", "k9"), ("Location", "/v1/replays/k9"), ("Retry-After", "2")]
            ),
            sentKey: nil
        )
        guard case .pending(let pending) = answer else {
            Issue.record("expected pending, got \(answer)")
            return
        }
        #expect(pending.key == "k9")
        #expect(pending.location == "/v1/replays/k9")
        #expect(pending.retryAfter == "2")
        #expect(pending.message == "still working")
        #expect(pending.record?.state == "reconciling")
        #expect(pending.recordJSON != nil)
    }

    @Test func anOverloadIsRecognised() {
        let answer = ReplayAnswer(
            response: Fixtures.response(503, Fixtures.envelope("service_unavailable", "busy")),
            sentKey: nil
        )
        guard case .overloaded(let failure, _) = answer else {
            Issue.record("expected overloaded, got \(answer)")
            return
        }
        #expect(failure.exitStatus == .upstreamServerError)
    }

    /// The per-uid connection cap refuses at the head, before anything is recorded, so it is retried like an
    /// overload.
    @Test func aPerUIDConnectionCapIsAnOverloadToo() {
        let answer = ReplayAnswer(
            response: Fixtures.response(503, Fixtures.envelope("too_many_connections", "this client holds 32")),
            sentKey: nil
        )
        guard case .overloaded = answer else {
            Issue.record("expected overloaded, got \(answer)")
            return
        }
    }

    @Test func pathsEncodeKeysAndRunIDs() {
        #expect(
            ReplayPaths.replay(runID: "run 1", fromCheckpoint: "3", force: true)
                == "/v1/runs/run%201/replay?from_checkpoint=3&force=true"
        )
        #expect(ReplayPaths.replay(runID: "..", fromCheckpoint: nil, force: false) == "/v1/runs/%2E%2E/replay")
        #expect(ReplayPaths.record(key: "a/b?c") == "/v1/replays/a%2Fb%3Fc")
        #expect(ReplayPaths.resolve(key: "k") == "/v1/replays/k/resolve")
        #expect(ReplayPaths.pollPath(location: "/v1/replays/k%20x", key: "k x") == "/v1/replays/k%20x")
        #expect(ReplayPaths.pollPath(location: "http://elsewhere/x", key: "k x") == "/v1/replays/k%20x")
        #expect(ReplayPaths.pollPath(location: nil, key: "k") == "/v1/replays/k")
    }
}
