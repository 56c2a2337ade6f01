import Curl
import Foundation
import ReplayctlKit

/// JSON bodies as replayd sends them under the new API.
enum Fixtures {
    static let runJSON = """
        {"id":"run_new_1","job_id":"job_ttl","project_id":"proj_demo","status":"queued","attempt":1,\
        "triggered_by":"manual","priority":0,"job_version":1,"debug_mode":false,"lineage_depth":1,\
        "created_at":"2026-05-01T12:00:00Z"}
        """

    static func record(
        key: String = "k1",
        state: String,
        response: String = "null",
        error: String = "null",
        coalescedFrom: String = "null",
        attempts: String = "[]",
        nextActionAt: String = "null"
    ) -> String {
        """
        {"key":"\(key)","principal":"alice","state":"\(state)","run_id":"run_failed_1","from_checkpoint":2,\
        "force":false,"new_run_id":null,"coalesced_from":\(coalescedFrom),"created_at":1777636800000,\
        "updated_at":"2026-05-01T12:00:05Z","next_action_at":\(nextActionAt),"error":\(error),\
        "attempts":\(attempts),"response":\(response),"resolution":null}
        """
    }

    static let succeededResponse = #"{"status":201,"body":\#(runJSON)}"#

    static let failedResponse =
        #"{"status":400,"body":{"error":{"code":"bad_request","message":"run is not replayable"},"request_id":"rq_9"}}"#

    static let twoAttempts = """
        [{"number":1,"request_id":"rq_a-1","outcome":"sent_no_response","status":null,"detail":"timed_out",\
        "recorded_at":1777636800000,"finished_at":1777636830000},\
        {"number":2,"request_id":"rq_a-2","outcome":"answered","status":201,"detail":null,\
        "recorded_at":"2026-05-01T12:01:00Z","finished_at":null}]
        """

    static func response(
        _ status: Int,
        _ body: String = "",
        headers: [(String, String)] = []
    ) -> HTTPResponse {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name: name, value: value) }
        return HTTPResponse(status: status, headers: fields, body: Array(body.utf8))
    }

    static func envelope(_ code: String, _ message: String) -> String {
        #"{"error":{"code":"\#(code)","message":"\#(message)"},"request_id":"rq_1"}"#
    }

    static func decodeRecord(_ json: String) -> ReplayRecord? {
        ReplayRecord.decode(Array(json.utf8))
    }
}
