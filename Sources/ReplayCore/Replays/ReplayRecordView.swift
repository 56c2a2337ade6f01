import Foundation
import Strait

/// The JSON shape of a replay record (`GET /v1/replays/{key}`, `replays.get`, `replays.pending`).
public struct ReplayRecordView: Encodable, Sendable {
    struct Failure: Encodable, Sendable {
        var code: String
        var message: String
    }

    struct Attempt: Encodable, Sendable {
        var number: Int
        var requestID: String
        var outcome: String
        var status: Int?
        var detail: String?
        var recordedAt: String
        var finishedAt: String?

        enum CodingKeys: String, CodingKey {
            case number
            case requestID = "request_id"
            case outcome, status, detail
            case recordedAt = "recorded_at"
            case finishedAt = "finished_at"
        }
    }

    struct Response: Encodable, Sendable {
        var status: Int
        var body: JSONValue?
    }

    var key: String
    var principal: String
    var state: String
    var runID: String
    var fromCheckpoint: Int64?
    var force: Bool
    var newRunID: String?
    var coalescedFrom: String?
    var createdAt: String
    var updatedAt: String
    var nextActionAt: String?
    var error: Failure?
    var attempts: [Attempt]
    var response: Response?
    var resolution: String?

    enum CodingKeys: String, CodingKey {
        case key, principal, state
        case runID = "run_id"
        case fromCheckpoint = "from_checkpoint"
        case force
        case newRunID = "new_run_id"
        case coalescedFrom = "coalesced_from"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case nextActionAt = "next_action_at"
        case error, attempts, response, resolution
    }

    /// The view of `record`.
    public init(_ record: ReplayRecord) {
        key = record.key
        principal = record.principal
        state = record.state.rawValue
        runID = record.runID
        fromCheckpoint = record.fromCheckpoint
        force = record.force
        newRunID = record.newRunID
        coalescedFrom = record.coalescedFrom?.key
        createdAt = Self.timestamp(record.createdAt)
        updatedAt = Self.timestamp(record.updatedAt)
        nextActionAt = record.nextActionAt.map(Self.timestamp)
        error = record.errorCode.map { Failure(code: $0, message: record.errorMessage ?? "") }
        attempts = record.attempts.map {
            Attempt(
                number: $0.number,
                requestID: $0.requestID,
                outcome: $0.outcome.rawValue,
                status: $0.status,
                detail: $0.detail,
                recordedAt: Self.timestamp($0.recordedAt),
                finishedAt: $0.finishedAt.map(Self.timestamp)
            )
        }
        response = record.responseStatus.map { status in
            Response(
                status: status,
                body: record.responseBody.flatMap { try? StraitJSON.decoder.decode(JSONValue.self, from: Data($0)) }
            )
        }
        resolution = record.resolution
    }

    /// The view as JSON.
    public var jsonValue: JSONValue {
        guard let data = try? StraitJSON.encoder.encode(self),
            let value = try? StraitJSON.decoder.decode(JSONValue.self, from: data)
        else { return .null }
        return value
    }

    static func timestamp(_ milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let nanos = Int32((milliseconds - seconds * 1000) * 1_000_000)
        return StraitTimestamp(secondsSinceEpoch: seconds, nanoseconds: nanos).rawValue
    }
}
