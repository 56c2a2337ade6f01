import Foundation
import Strait

/// A replay whose outcome replayd does not know yet.
public struct PendingReplay: Sendable {
    /// The idempotency key to follow it by.
    public var key: String?
    /// `Location` of the record.
    public var location: String?
    /// `Retry-After`, as sent.
    public var retryAfter: String?
    /// Why it is pending.
    public var message: String
    /// The record, as JSON (the 202's `replay`, or a later `GET`).
    public var recordJSON: JSONValue?
    /// The record, decoded.
    public var record: ReplayRecord?

    /// The record is `indeterminate`: a person must decide (exit 11, not 12).
    public var needsOperator: Bool { record?.needsOperator ?? false }

    /// 11 (outcome unknown) for an `indeterminate` record, else 12 (outcome pending).
    public var exitStatus: ExitStatus { needsOperator ? .outcomeUnknown : .outcomePending }

    /// Creates a pending result.
    public init(
        key: String?,
        location: String? = nil,
        retryAfter: String? = nil,
        message: String,
        recordJSON: JSONValue? = nil,
        record: ReplayRecord? = nil
    ) {
        self.key = key ?? record?.key
        self.location = location
        self.retryAfter = retryAfter
        self.message = message
        self.recordJSON = recordJSON
        self.record = record
    }

    /// From a 202 body, `{"error":{...},"replay":{record}}`.
    public init(key: String?, location: String?, retryAfter: String?, message: String, body: [UInt8]) {
        let envelope = try? JSONDecoder().decode(PendingEnvelope.self, from: Data(body))
        self.init(
            key: key,
            location: location,
            retryAfter: retryAfter,
            message: message,
            recordJSON: envelope?.replayJSON,
            record: envelope?.replay
        )
    }

    private struct PendingEnvelope: Decodable {
        var replay: ReplayRecord?
        var replayJSON: JSONValue?

        enum CodingKeys: String, CodingKey {
            case replay
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            replay = container.lenient(ReplayRecord.self, forKey: .replay)
            replayJSON = container.lenient(JSONValue.self, forKey: .replay)
        }
    }
}
