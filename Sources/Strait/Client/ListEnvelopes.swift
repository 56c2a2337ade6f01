/// The body of `GET /v1/runs`: `{"data":[...]}`. Also accepts `runs`/`items` keys or a bare array, so a change
/// of envelope on the server does not break reconciliation.
struct RunList: Decodable, Sendable {
    var runs: [JobRun]

    init(from decoder: any Decoder) throws {
        if let array = try? decoder.singleValueContainer().decode([JobRun].self) {
            runs = array
            return
        }
        let container = try decoder.container(keyedBy: ListKeys.self)
        runs =
            try container.decodeIfPresent([JobRun].self, forKey: .data)
            ?? container.decodeIfPresent([JobRun].self, forKey: .runs)
            ?? container.decodeIfPresent([JobRun].self, forKey: .items) ?? []
    }
}

/// The body of `GET /v1/runs/{id}/checkpoints`, accepted in the same shapes as `RunList`.
struct CheckpointList: Decodable, Sendable {
    var checkpoints: [Checkpoint]

    init(from decoder: any Decoder) throws {
        if let array = try? decoder.singleValueContainer().decode([Checkpoint].self) {
            checkpoints = array
            return
        }
        let container = try decoder.container(keyedBy: ListKeys.self)
        checkpoints =
            try container.decodeIfPresent([Checkpoint].self, forKey: .data)
            ?? container.decodeIfPresent([Checkpoint].self, forKey: .checkpoints)
            ?? container.decodeIfPresent([Checkpoint].self, forKey: .items) ?? []
    }
}

private enum ListKeys: String, CodingKey {
    case data, runs, items, checkpoints
}
