/// Whether replays are paused, and how many are held: `GET /v1/gateway/status` and the answer of
/// `POST /v1/pause` and `POST /v1/resume`.
public struct PauseStatus: Sendable, Hashable, Encodable {
    /// The pauses in force, `all` first, then by source name.
    public var entries: [PauseEntry]
    /// Replays accepted and held, not sent, because of a pause (or released and waiting for their turn).
    public var held: Int

    /// Creates a status.
    public init(entries: [PauseEntry], held: Int) {
        self.entries = entries
        self.held = held
    }

    /// Whether anything is paused.
    public var paused: Bool { !entries.isEmpty }

    enum CodingKeys: String, CodingKey {
        case paused, held
        case entries = "pauses"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(paused, forKey: .paused)
        try container.encode(entries, forKey: .entries)
        try container.encode(held, forKey: .held)
    }
}
