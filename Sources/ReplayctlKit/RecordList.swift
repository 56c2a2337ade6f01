/// `GET /v1/replays?pending=true`: `{"data":[record, ...]}`.
public struct RecordList: Sendable, Hashable, Decodable {
    /// The records.
    public var data: [ReplayRecord]
}
