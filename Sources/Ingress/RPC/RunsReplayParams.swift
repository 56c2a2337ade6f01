import Strait

/// The params of `runs.replay`, by name or in this order:
///
/// | Name | Type | |
/// |---|---|---|
/// | `run_id` | string | Required. The run to replay; the REST door's run id rules apply. |
/// | `from_checkpoint` | integer ≥ 1 | Optional. Replay from this checkpoint. |
/// | `idempotency_key` | string | Optional. 1–255 printable ASCII characters, as the `Idempotency-Key` header. |
/// | `force` | boolean | Optional, default `false`. |
public struct RunsReplayParams: Sendable, Hashable {
    /// The parameter names in positional order.
    public static let names = ["run_id", "from_checkpoint", "idempotency_key", "force"]

    /// The run to replay.
    public var runID: RunID
    /// The checkpoint to replay from, if any.
    public var fromCheckpoint: CheckpointSequence?
    /// The caller's idempotency key, if any.
    public var idempotencyKey: String?
    /// Whether to force the replay.
    public var force: Bool

    /// Reads and validates the params.
    ///
    /// - Throws: −32602 naming the first parameter at fault.
    public init(_ params: JSONValue?) throws(JSONRPCError) {
        let reader = try JSONRPCParams(params, names: Self.names)
        let text = try reader.required("run_id", .string)
        do {
            runID = try RunID(text)
        } catch {
            throw reader.invalid("run_id", error.message)
        }
        if let checkpoint = try reader.optional("from_checkpoint", .positiveInteger) {
            do {
                fromCheckpoint = try CheckpointSequence(checkpoint)
            } catch {
                throw reader.invalid("from_checkpoint", error.message)
            }
        }
        idempotencyKey = try reader.optional("idempotency_key", .idempotencyKey)
        force = try reader.optional("force", .bool) ?? false
    }
}
