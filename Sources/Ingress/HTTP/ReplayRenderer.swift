import Foundation
import ReplayCore
import Strait

/// Renders the engine's answers in Strait's shapes, with the idempotency headers.
public enum ReplayRenderer {
    /// The socket answer for a replay submission.
    public static func render(_ submission: ReplaySubmission, requestID: String) -> GatewayResponse {
        switch submission {
        case .completed(let record, let replayed):
            var response = stored(record)
            if replayed { response.headers.add(name: "Idempotent-Replayed", value: "true") }
            return response
        case .inProgress(let record):
            var response = GatewayResponse.error(
                ReplayError(
                    .requestInProgress,
                    "a request with idempotency key \(record.key) is in progress; retry shortly"
                ),
                requestID: requestID
            )
            response.headers.add(name: "Retry-After", value: "1")
            addRecordHeaders(record, to: &response)
            return response
        case .keyReused(let record):
            var response = GatewayResponse.error(
                ReplayError(
                    .idempotencyKeyReused,
                    "idempotency key \(record.key) was already used for a different request "
                        + "(run \(record.runID)\(record.fromCheckpoint.map { " from checkpoint \($0)" } ?? ""))"
                ),
                requestID: requestID
            )
            addRecordHeaders(record, to: &response)
            return response
        case .pending(let record):
            var response = GatewayResponse.json(202, PendingBody(record: record, requestID: requestID))
            response.headers.add(name: "Retry-After", value: "1")
            addRecordHeaders(record, to: &response)
            return response
        case .rejected(let error):
            return .error(error, requestID: requestID)
        }
    }

    /// The stored answer of a final record, with its key injected into a JobRun's metadata.
    static func stored(_ record: ReplayRecord) -> GatewayResponse {
        var body = record.responseBody ?? Array("{}\n".utf8)
        let status = record.responseStatus ?? 500
        if (200..<300).contains(status), let spliced = JobRunKeySplice.inject(key: record.key, into: body) {
            body = spliced
        } else if (200..<300).contains(status),
            case .object(var run)? = try? StraitJSON.decoder.decode(JSONValue.self, from: Data(body))
        {
            var metadata: [String: JSONValue] = [:]
            if case .object(let existing)? = run["metadata"] { metadata = existing }
            metadata["_replayd_idempotency_key"] = .string(record.key)
            run["metadata"] = .object(metadata)
            if let data = try? StraitJSON.encoder.encode(JSONValue.object(run)) { body = Array(data) + [0x0A] }
        }
        var response = GatewayResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
        addRecordHeaders(record, to: &response)
        if record.coalescedFrom != nil { response.headers.add(name: "Replayd-Coalesced", value: "true") }
        return response
    }

    static func addRecordHeaders(_ record: ReplayRecord, to response: inout GatewayResponse) {
        response.headers.add(name: "Idempotency-Key", value: record.key)
        response.headers.add(name: "Location", value: "/v1/replays/" + PercentEncoding.pathSegment(record.key))
        let ids = record.attempts.map(\.requestID)
        if !ids.isEmpty {
            response.headers.add(name: "Replayd-Upstream-Request-Ids", value: ids.joined(separator: ", "))
        }
    }
}

/// The 202 body: the error envelope plus the record.
struct PendingBody: Encodable {
    var error: StraitErrorEnvelope.Body
    var replay: ReplayRecordView
    var requestID: String

    enum CodingKeys: String, CodingKey {
        case error, replay
        case requestID = "request_id"
    }

    init(record: ReplayRecord, requestID: String) {
        if record.errorCode == ReplayError.Code.paused.rawValue, record.state == .pending {
            error = StraitErrorEnvelope.Body(
                code: ReplayError.Code.paused.rawValue,
                message: (record.errorMessage ?? "replays are paused") + "; follow it at /v1/replays/"
                    + PercentEncoding.pathSegment(record.key)
            )
            replay = ReplayRecordView(record)
            self.requestID = requestID
            return
        }
        error = StraitErrorEnvelope.Body(
            code: ReplayError.Code.outcomePending.rawValue,
            message: "the outcome of replay \(record.key) is not known yet (\(record.state.rawValue)); "
                + "the work continues, ask again at /v1/replays/\(PercentEncoding.pathSegment(record.key))"
        )
        replay = ReplayRecordView(record)
        self.requestID = requestID
    }
}
