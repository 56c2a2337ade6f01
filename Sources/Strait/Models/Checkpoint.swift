/// A checkpoint of a run (`GET /v1/runs/{id}/checkpoints`). Replaying `from_checkpoint=sequence` uses `state`
/// as the new run's payload.
public struct Checkpoint: Sendable, Hashable, Codable {
    public var id: String
    public var runID: String
    public var sequence: Int
    public var state: JSONValue?
    public var createdAt: StraitTimestamp?

    enum CodingKeys: String, CodingKey {
        case id
        case runID = "run_id"
        case sequence, state
        case createdAt = "created_at"
    }

    /// Creates a checkpoint.
    public init(id: String, runID: String, sequence: Int, state: JSONValue?, createdAt: StraitTimestamp?) {
        self.id = id
        self.runID = runID
        self.sequence = sequence
        self.state = state
        self.createdAt = createdAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id) ?? ""
        runID = try c.decodeIfPresent(String.self, forKey: .runID) ?? ""
        sequence = try c.decode(Int.self, forKey: .sequence)
        state = try c.decodeIfPresent(JSONValue.self, forKey: .state)
        createdAt = try c.decodeIfPresent(StraitTimestamp.self, forKey: .createdAt)
    }
}
