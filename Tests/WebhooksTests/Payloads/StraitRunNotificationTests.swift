import Testing
import Webhooks

struct StraitRunNotificationTests {
    static let body = Array(
        """
        {"run_id":"0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b","job_id":"job-1","project_id":"proj-1","status":"failed",\
        "attempt":2,"result":null,"error":"upstream timeout after 30s","timestamp":"2026-05-01T12:00:00.123456Z"}
        """.utf8
    )

    static let headers: [(name: String, value: String)] = [
        ("Content-Type", "application/json"),
        ("X-Strait-Timestamp", "1777636800"),
        ("X-Strait-Delivery-ID", "dlv_01HZX3K9"),
        ("X-Strait-Attempt", "1"),
        ("X-Run-ID", "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b"),
        ("X-Job-ID", "job-1"),
        ("X-Strait-Signature", "v1=5d41402abc4b2a76b9719d911017c592"),
        ("X-Webhook-Signature", "v1=5d41402abc4b2a76b9719d911017c592"),
        ("X-Strait-Replay-Key", "rk_9f86d081884c7d65"),
        ("X-Strait-Idempotency-Key", "ik_attempt_1"),
    ]

    @Test func parsesAFailedRunNotification() throws {
        let notification = try StraitRunNotification.parse(headers: Self.headers, body: Self.body)
        #expect(notification.runID == "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b")
        #expect(notification.jobID == "job-1")
        #expect(notification.projectID == "proj-1")
        #expect(notification.status == "failed")
        #expect(notification.attempt == 2)
        #expect(notification.result == nil)
        #expect(notification.error == "upstream timeout after 30s")
        #expect(notification.timestamp == "2026-05-01T12:00:00.123456Z")
        #expect(notification.deliveryID == "rk_9f86d081884c7d65")
    }

    @Test func deliveryIDIsTheFallbackButNeverTheIdempotencyKey() throws {
        let withoutReplayKey = Self.headers.filter { $0.name != "X-Strait-Replay-Key" }
        #expect(
            try StraitRunNotification.parse(headers: withoutReplayKey, body: Self.body).deliveryID == "dlv_01HZX3K9"
        )
        let neither = withoutReplayKey.filter { $0.name != "X-Strait-Delivery-ID" }
        let error = try #require(throws: WebhookPayloadError.self) {
            try StraitRunNotification.parse(headers: neither, body: Self.body)
        }
        #expect(error.code == .missingField)
    }

    @Test func resultIsKeptAsRawJSONAndStructuredErrorsAsText() throws {
        let body = #"{"run_id":"r","job_id":"j","status":"completed","result":{"rows":12},"error":{"kind":"x"}}"#
        let notification = try StraitRunNotification.parse(headers: Self.headers, body: Array(body.utf8))
        #expect(notification.result == .object(["rows": .integer(12)]))
        #expect(notification.error == #"{"kind":"x"}"#)
        #expect(notification.attempt == nil)
        #expect(notification.projectID == nil)
    }

    @Test(arguments: [
        (#"{"job_id":"j","status":"failed"}"#, "run_id", WebhookPayloadError.Code.missingField),
        (#"{"run_id":"a/b","job_id":"j","status":"failed"}"#, "run_id", .invalidRunID),
        (#"{"run_id":"r","status":"failed"}"#, "job_id", .missingField),
        (#"{"run_id":"r","job_id":"j"}"#, "status", .missingField),
        (#"{"run_id":"r","job_id":"j","status":3}"#, "status", .invalidField),
        (#"{"run_id":"r","job_id":"j","status":"failed","attempt":"2"}"#, "attempt", .invalidField),
    ])
    func badFieldsAreNamed(body: String, field: String, code: WebhookPayloadError.Code) throws {
        let error = try #require(throws: WebhookPayloadError.self) {
            try StraitRunNotification.parse(headers: Self.headers, body: Array(body.utf8))
        }
        #expect(error.field == field)
        #expect(error.code == code)
    }
}
