import Foundation
import Strait

/// A replay record as `GET /v1/replays/{key}` returns it: the durable story of one idempotency key.
///
/// Decoded tolerantly: only `key` and `state` are required; a field of an unexpected type reads as absent, and
/// times may be RFC 3339 strings or Unix milliseconds.
public struct ReplayRecord: Sendable, Hashable, Decodable {
    /// The idempotency key.
    public var key: String
    /// Whose key it is (keys are scoped per principal).
    public var principal: String?
    /// `pending`, `in_flight`, `reconciling`, `succeeded`, `failed` or `indeterminate`.
    public var state: String
    /// The run being replayed.
    public var runID: String?
    /// The checkpoint, if any.
    public var fromCheckpoint: Int64?
    /// Whether coalescing was bypassed.
    public var force: Bool
    /// The run Strait created, once known.
    public var newRunID: String?
    /// The key of the replay this one was coalesced into, if any.
    public var coalescedFrom: String?
    /// When the record was created.
    public var createdAt: JSONValue?
    /// When it last changed.
    public var updatedAt: JSONValue?
    /// When replayd next acts on it.
    public var nextActionAt: JSONValue?
    /// The error of a failed or undecided record.
    public var error: RecordError?
    /// The upstream attempts, oldest first.
    public var attempts: [ReplayAttempt]
    /// The stored final answer.
    public var response: StoredResponse?
    /// An operator's note from `resolve`.
    public var resolution: String?

    /// `succeeded` or `failed`: the story is over.
    public var isFinal: Bool { Self.isFinal(state: state) }

    /// `indeterminate`: replayd could not tell whether Strait created a run and stopped looking; only an operator's
    /// `resolve` moves it on, so waiting for it is pointless.
    public var needsOperator: Bool { state == "indeterminate" }

    /// Whether `state` is final (`succeeded` or `failed`).
    public static func isFinal(state: String) -> Bool { state == "succeeded" || state == "failed" }

    /// A record's `error` object.
    public struct RecordError: Sendable, Hashable, Decodable {
        /// A replayd or Strait error code.
        public var code: String?
        /// A sentence.
        public var message: String?
    }

    /// A record's stored final answer.
    public struct StoredResponse: Sendable, Hashable, Decodable {
        /// The HTTP status (201 for a success).
        public var status: Int?
        /// The body: the JobRun for a success, the error envelope for a failure.
        public var body: JSONValue?
        /// The body as a run, when it is one.
        public var run: JobRun?
        /// The body as an error envelope, when it is one.
        public var envelope: StraitErrorEnvelope?

        enum CodingKeys: String, CodingKey {
            case status, body
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = container.lenient(Int.self, forKey: .status)
            body = container.lenient(JSONValue.self, forKey: .body)
            run = container.lenient(JobRun.self, forKey: .body)
            envelope = container.lenient(StraitErrorEnvelope.self, forKey: .body)
        }
    }

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

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        state = try container.decode(String.self, forKey: .state)
        principal = container.lenient(String.self, forKey: .principal)
        runID = container.lenient(String.self, forKey: .runID)
        fromCheckpoint =
            container.lenient(Int64.self, forKey: .fromCheckpoint)
            ?? container.lenient(String.self, forKey: .fromCheckpoint).flatMap { Int64($0) }
        force = container.lenient(Bool.self, forKey: .force) ?? false
        newRunID = container.lenient(String.self, forKey: .newRunID)
        coalescedFrom = DisplayText.keyText(container.lenient(JSONValue.self, forKey: .coalescedFrom))
        createdAt = container.lenient(JSONValue.self, forKey: .createdAt)
        updatedAt = container.lenient(JSONValue.self, forKey: .updatedAt)
        nextActionAt = container.lenient(JSONValue.self, forKey: .nextActionAt)
        error = container.lenient(RecordError.self, forKey: .error)
        attempts = container.lenient([ReplayAttempt].self, forKey: .attempts) ?? []
        response = container.lenient(StoredResponse.self, forKey: .response)
        resolution = DisplayText.optionalText(container.lenient(JSONValue.self, forKey: .resolution))
    }

    /// Decodes a record from a JSON body, or `nil`.
    public static func decode(_ body: [UInt8]) -> ReplayRecord? {
        try? JSONDecoder().decode(ReplayRecord.self, from: Data(body))
    }
}
