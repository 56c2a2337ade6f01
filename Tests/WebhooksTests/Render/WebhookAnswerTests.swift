import Testing
import Webhooks

struct WebhookAnswerTests {
    @Test func acceptedListsEachReplay() throws {
        let answer = WebhookAnswer.accepted(
            delivery: "292430182:72d3162e-cc78-11e3-81ab-4c9367dc0958",
            replays: [
                ReplayOutcomeSummary(runID: "r1", state: .pending, key: "github:292430182:72d3:1"),
                ReplayOutcomeSummary(
                    runID: "r2",
                    newRunID: "r9",
                    newRunStatus: "queued",
                    state: .succeeded,
                    key: "github:292430182:72d3:2"
                ),
            ]
        )
        #expect(
            RenderedJSON.text(answer.rendered())
                == #"{"delivery":"292430182:72d3162e-cc78-11e3-81ab-4c9367dc0958","message":"2 replays accepted","#
                + #""replays":[{"key":"github:292430182:72d3:1","run_id":"r1","state":"pending"},"#
                + #"{"key":"github:292430182:72d3:2","new_run_id":"r9","new_run_status":"queued","run_id":"r2","#
                + #""state":"succeeded"}],"status":"accepted"}"#
        )
    }

    @Test func ignoredAndDeniedCarryAReason() throws {
        let ignored = try RenderedJSON.object(
            WebhookAnswer.ignored(delivery: "rk_1", code: "status_not_eligible", message: "status \"completed\"")
                .rendered()
        )
        #expect(ignored["status"] as? String == "ignored")
        #expect(ignored["delivery"] as? String == "rk_1")
        #expect((ignored["reason"] as? [String: Any])?["code"] as? String == "status_not_eligible")
        #expect((ignored["replays"] as? [Any])?.isEmpty == true)

        let denied = try RenderedJSON.object(
            WebhookAnswer.denied(delivery: nil, code: "not_mapped", message: "github user mona is not mapped")
                .rendered()
        )
        #expect(denied["status"] as? String == "denied")
        #expect(denied["delivery"] == nil)
    }

    @Test func invalidPayloadsReportTheErrorCodeAndField() throws {
        let error = try #require(throws: WebhookPayloadError.self) {
            try StandardWebhookPayload.parse(headers: [("webhook-id", "msg_1")], body: Array(#"{"run_id":7}"#.utf8))
        }
        let object = try RenderedJSON.object(WebhookAnswer.invalid(delivery: "msg_1", error: error).rendered())
        #expect(object["status"] as? String == "invalid")
        let reason = try #require(object["reason"] as? [String: Any])
        #expect(reason["code"] as? String == "invalid_field")
        #expect(reason["message"] as? String == "/run_id: expected a string, got an integer")
    }

    @Test func pongAndFailedSummaries() throws {
        #expect(
            RenderedJSON.text(WebhookAnswer.pong(delivery: "1:abc").rendered())
                == #"{"delivery":"1:abc","message":"pong","replays":[],"status":"accepted"}"#
        )
        let failed = ReplayOutcomeSummary(
            runID: "r1",
            state: .failed,
            errorCode: "not_replayable",
            errorMessage: "run is not replayable",
            key: "k"
        )
        let object = try RenderedJSON.object(failed.json.serialized())
        #expect(
            (object["error"] as? [String: Any])?["message"] as? String == "run is not replayable"
        )
        #expect(object["new_run_id"] == nil)
    }

    @Test func equalityCoversTheReason() {
        let a = WebhookAnswer.ignored(delivery: "d", code: "c", message: "m")
        #expect(a == WebhookAnswer.ignored(delivery: "d", code: "c", message: "m"))
        #expect(a != WebhookAnswer.ignored(delivery: "d", code: "c", message: "other"))
        #expect(Set([a, a]).count == 1)
    }
}
