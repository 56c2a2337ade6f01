import Strait

/// The params of `runs.explain`: those of `runs.replay` (``RunsReplayParams``), by name or in this order, then
///
/// | Name | Type | |
/// |---|---|---|
/// | `as` | string | Optional. Explain as this principal (needs the `explain_as` grant). |
public struct RunsExplainParams: Sendable, Hashable {
    /// The parameter names in positional order.
    public static let names = RunsReplayParams.names + ["as"]

    /// The replay to explain.
    public var replay: RunsReplayParams
    /// The principal to explain as, if any.
    public var explainAs: String?

    /// Reads and validates the params.
    ///
    /// - Throws: −32602 naming the first parameter at fault.
    public init(_ params: JSONValue?) throws(JSONRPCError) {
        let reader = try JSONRPCParams(params, names: Self.names)
        explainAs = try reader.optional("as", .string)
        if explainAs?.isEmpty == true { throw reader.invalid("as", "must name a principal") }
        var replayParams = params
        switch params {
        case .object(var fields)?:
            fields["as"] = nil
            replayParams = .object(fields)
        case .array(let items)? where items.count > RunsReplayParams.names.count:
            replayParams = .array(Array(items.prefix(RunsReplayParams.names.count)))
        default:
            break
        }
        replay = try RunsReplayParams(replayParams)
    }
}
