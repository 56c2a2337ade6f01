/// What replayd reads from a replay's `201`: the new run's `id` and `status`.
///
/// The answer's body is passed on verbatim (``StraitResult/response``) and stored as the bytes to send, so the
/// rest of the ``JobRun`` (timestamps, payload, metadata) is never decoded on a replay's path. A body without a
/// string `id` and `status` is still undecodable, and the attempt ambiguous.
public struct ReplayedRun: Decodable, Sendable, Hashable {
    /// The new run's id.
    public var id: String
    /// Its status, as Strait spelled it.
    public var status: RunStatus
}
