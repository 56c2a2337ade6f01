import Testing
import Webhooks

struct StandardWebhookPayloadTests {
    static let headers: [(name: String, value: String)] = [
        ("content-type", "application/json"),
        ("webhook-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"),
        ("webhook-timestamp", "1674087231"),
        ("webhook-signature", "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="),
    ]

    @Test func defaultPointersReadTopLevelFields() throws {
        let body = #"{"type":"job.failed","timestamp":"2026-05-01T12:00:00Z","run_id":"run-42","from_checkpoint":2}"#
        let payload = try StandardWebhookPayload.parse(headers: Self.headers, body: Array(body.utf8))
        #expect(payload.deliveryID == "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")
        #expect(payload.eventType == "job.failed")
        #expect(payload.runID == "run-42")
        #expect(payload.fromCheckpoint == 2)
        #expect(payload.replayCommand == .replay(runID: "run-42", fromCheckpoint: 2, force: false))
    }

    @Test func customPointersReachIntoTheEnvelope() throws {
        let body = """
            {"type":"invoice.sync.failed","timestamp":"2026-05-01T12:00:00Z",
             "data":{"strait":{"run":{"id":"0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b"}},"resume/at":null}}
            """
        let mapping = StandardWebhookPayload.Mapping(
            runID: try JSONPointer("/data/strait/run/id"),
            fromCheckpoint: try JSONPointer("/data/resume~1at")
        )
        let payload = try StandardWebhookPayload.parse(headers: Self.headers, body: Array(body.utf8), mapping: mapping)
        #expect(payload.runID == "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b")
        #expect(payload.fromCheckpoint == nil)
    }

    @Test(arguments: [
        (#"{"from_checkpoint":1}"#, "/run_id", WebhookPayloadError.Code.missingField),
        (#"{"run_id":null}"#, "/run_id", .missingField),
        (#"{"run_id":42}"#, "/run_id", .invalidField),
        (#"{"run_id":".."}"#, "/run_id", .invalidRunID),
        (#"{"run_id":"r","from_checkpoint":"3"}"#, "/from_checkpoint", .invalidField),
        (#"{"run_id":"r","from_checkpoint":2.5}"#, "/from_checkpoint", .invalidField),
        (#"{"run_id":"r","from_checkpoint":0}"#, "/from_checkpoint", .invalidCheckpoint),
        (#"{"run_id":"r","from_checkpoint":-1}"#, "/from_checkpoint", .invalidCheckpoint),
    ])
    func badFieldsAreNamedByTheirPointer(body: String, field: String, code: WebhookPayloadError.Code) throws {
        let error = try #require(throws: WebhookPayloadError.self) {
            try StandardWebhookPayload.parse(headers: Self.headers, body: Array(body.utf8))
        }
        #expect(error.field == field)
        #expect(error.code == code)
    }

    @Test func webhookIDIsRequired() throws {
        let error = try #require(throws: WebhookPayloadError.self) {
            try StandardWebhookPayload.parse(headers: [], body: Array(#"{"run_id":"r"}"#.utf8))
        }
        #expect(error.field == "webhook-id")
    }
}
