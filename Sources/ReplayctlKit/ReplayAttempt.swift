import Strait

/// One upstream attempt of a replay record.
public struct ReplayAttempt: Sendable, Hashable, Decodable {
    /// 1, 2, 3, ...
    public var number: Int?
    /// The `X-Request-Id` the attempt carried (Strait's run metadata `_sentry_request_id`).
    public var requestID: String?
    /// `recorded`, `not_sent`, `answered` or `sent_no_response`.
    public var outcome: String?
    /// Strait's status, for an answered attempt.
    public var status: Int?
    /// A short description.
    public var detail: String?
    /// When it was recorded (before sending).
    public var recordedAt: JSONValue?
    /// When its result was recorded.
    public var finishedAt: JSONValue?

    enum CodingKeys: String, CodingKey {
        case number
        case requestID = "request_id"
        case outcome, status, detail
        case recordedAt = "recorded_at"
        case finishedAt = "finished_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = container.lenient(Int.self, forKey: .number)
        requestID = container.lenient(String.self, forKey: .requestID)
        outcome = container.lenient(String.self, forKey: .outcome)
        status = container.lenient(Int.self, forKey: .status)
        detail = container.lenient(String.self, forKey: .detail)
        recordedAt = container.lenient(JSONValue.self, forKey: .recordedAt)
        finishedAt = container.lenient(JSONValue.self, forKey: .finishedAt)
    }
}
