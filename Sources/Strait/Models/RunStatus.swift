/// A run's status. Unknown statuses decode as themselves, so a newer server never breaks decoding.
public struct RunStatus: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static let pending: RunStatus = "pending"
    public static let queued: RunStatus = "queued"
    public static let delayed: RunStatus = "delayed"
    public static let dequeued: RunStatus = "dequeued"
    public static let executing: RunStatus = "executing"
    public static let waiting: RunStatus = "waiting"
    public static let completed: RunStatus = "completed"
    public static let failed: RunStatus = "failed"
    public static let timedOut: RunStatus = "timed_out"
    public static let crashed: RunStatus = "crashed"
    public static let systemFailed: RunStatus = "system_failed"
    public static let canceled: RunStatus = "canceled"
    public static let expired: RunStatus = "expired"
    public static let deadLetter: RunStatus = "dead_letter"

    /// Statuses Strait accepts for `POST /v1/runs/{id}/replay` (spec §2 note: `runs.go:554-561`). Every other
    /// status, terminal or not, is answered 400 `run is not replayable`.
    public static let replayable: Set<RunStatus> = [.failed, .timedOut, .crashed, .systemFailed]

    /// Whether Strait will replay a run in this status.
    public var isReplayable: Bool { Self.replayable.contains(self) }

    /// Terminal statuses (the run will not change again).
    public static let terminal: Set<RunStatus> = [
        .completed, .failed, .timedOut, .crashed, .systemFailed, .canceled, .expired, .deadLetter,
    ]

    /// Whether the run has finished.
    public var isTerminal: Bool { Self.terminal.contains(self) }
}
