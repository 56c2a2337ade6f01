import Foundation
import Testing

@testable import Strait

@Suite struct JobRunDecodingTests {
    @Test func decodesTheSpecExampleAndIgnoresUnknownFields() throws {
        let json = """
            {"id":"0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b","job_id":"job-1","project_id":"proj-1","tags":{"team":"core"},
             "status":"queued","attempt":1,"payload":{"step":2},
             "metadata":{"_sentry_actor_type":"api_key","_sentry_request_id":"req-1","_sentry_route":"POST /v1/runs/{runID}/replay"},
             "triggered_by":"manual","expires_at":"2026-05-01T12:01:30.123456789Z","priority":7,"job_version":5,
             "job_version_id":"jv-9","debug_mode":true,"lineage_depth":0,"created_by":"apikey:key-123",
             "created_at":"2026-05-01T12:00:00.123456Z","queue_name":"default","is_rollback":false,
             "replayed_run_id":null,"some_future_field":{"nested":[1,2,3]}}
            """
        let run = try JSONDecoder().decode(JobRun.self, from: Data(json.utf8))
        #expect(run.id == "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b")
        #expect(run.status == .queued)
        #expect(run.triggeredBy == "manual")
        #expect(run.debugMode)
        #expect(run.priority == 7)
        #expect(run.payload == .object(["step": .number(2)]))
        #expect(run.creatingRequestID == "req-1")
        #expect(run.expiresAt?.nanoseconds == 123_456_789)
        #expect(run.createdAt.nanoseconds == 123_456_000)
        #expect(run.queueName == "default")
        #expect(run.result == nil)
    }

    @Test func optionalFieldsMayBeMissing() throws {
        let json = #"{"id":"r1","status":"failed","created_at":"2026-05-01T12:00:00Z"}"#
        let run = try JSONDecoder().decode(JobRun.self, from: Data(json.utf8))
        #expect(run.id == "r1")
        #expect(run.status == .failed)
        #expect(run.metadata == nil)
        #expect(run.tags == nil)
        #expect(run.status.isReplayable)
    }

    @Test func unknownStatusDecodes() throws {
        let json = #"{"id":"r1","status":"hibernating","created_at":"2026-05-01T12:00:00Z"}"#
        let run = try JSONDecoder().decode(JobRun.self, from: Data(json.utf8))
        #expect(run.status.rawValue == "hibernating")
        #expect(!run.status.isReplayable)
    }

    @Test func encodingRoundTripsTimestampsVerbatim() throws {
        let json = #"{"id":"r1","status":"failed","created_at":"2026-05-01T12:00:00.1Z","attempt":2}"#
        let run = try JSONDecoder().decode(JobRun.self, from: Data(json.utf8))
        let encoded = try StraitJSON.encoder.encode(run)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains(#""created_at":"2026-05-01T12:00:00.1Z""#))
        let again = try JSONDecoder().decode(JobRun.self, from: encoded)
        #expect(again == run)
    }

    @Test(arguments: [
        ("2026-05-01T12:00:00Z", Int32(0)),
        ("2026-05-01T12:00:00.1Z", Int32(100_000_000)),
        ("2026-05-01T12:00:00.12Z", Int32(120_000_000)),
        ("2026-05-01T12:00:00.123Z", Int32(123_000_000)),
        ("2026-05-01T12:00:00.1234Z", Int32(123_400_000)),
        ("2026-05-01T12:00:00.12345Z", Int32(123_450_000)),
        ("2026-05-01T12:00:00.123456Z", Int32(123_456_000)),
        ("2026-05-01T12:00:00.1234567Z", Int32(123_456_700)),
        ("2026-05-01T12:00:00.12345678Z", Int32(123_456_780)),
        ("2026-05-01T12:00:00.123456789Z", Int32(123_456_789)),
    ])
    func acceptsZeroToNineFractionalDigits(text: String, nanos: Int32) throws {
        let timestamp = try #require(StraitTimestamp(text))
        #expect(timestamp.nanoseconds == nanos)
        #expect(timestamp.secondsSinceEpoch == 1_777_636_800)
    }

    @Test func offsetsAreApplied() throws {
        let utc = try #require(StraitTimestamp("2026-05-01T12:00:00Z"))
        let offset = try #require(StraitTimestamp("2026-05-01T14:30:00+02:30"))
        #expect(utc == offset)
    }

    @Test(arguments: [
        "2026-05-01", "2026-05-01T12:00:00", "2026-05-01T12:00:00.Z", "2026-05-01T12:00:00.1234567890Z",
        "2026-13-01T12:00:00Z", "2026-02-30T12:00:00Z", "2026-05-01T25:00:00Z", "not a date",
    ])
    func rejectsMalformedTimestamps(text: String) {
        #expect(StraitTimestamp(text) == nil)
    }

    @Test func formatsUTCWithTrimmedFraction() {
        let timestamp = StraitTimestamp(secondsSinceEpoch: 1_777_636_800, nanoseconds: 123_450_000)
        #expect(timestamp.rawValue == "2026-05-01T12:00:00.12345Z")
        #expect(StraitTimestamp(secondsSinceEpoch: 0, nanoseconds: 0).rawValue == "1970-01-01T00:00:00Z")
    }
}
