/// How many records wait, counted by the replay worker at each sweep (for the `replayd_records` gauge): those
/// still being worked on, those held by a pause, and those waiting for an operator.
public struct RecordCounts: Sendable, Hashable {
    /// `pending`, `in_flight` or `reconciling`, not held by a pause.
    public var unfinished = 0
    /// Held by a pause (`pending` with code `paused`).
    public var held = 0
    /// `indeterminate`: waiting for `replayctl resolve`.
    public var indeterminate = 0

    /// All zero.
    public init() {}
}
