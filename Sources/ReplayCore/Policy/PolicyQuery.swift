/// The facts one policy decision is made on: what is asked, through which door, from where, about which run,
/// and when. ``GrantPolicy/decide(_:_:)`` is a pure function of a principal and a query.
public struct PolicyQuery: Sendable, Hashable {
    /// The actions the request needs; each must be allowed.
    public var actions: [PolicyAction]
    /// The door the request came through.
    public var door: RequestOrigin.Door
    /// The `[[sources]]` name, for a webhook door.
    public var source: String?
    /// The Slack or Discord channel id, or the GitHub repository, a chat request came from.
    public var channel: String?
    /// The run's project and job, once looked up; `nil` before (a grant scoped by them then asks for it).
    public var run: RunFacts?
    /// The time of the request, Unix milliseconds.
    public var now: Int64

    /// Creates a query.
    public init(
        actions: [PolicyAction],
        door: RequestOrigin.Door,
        source: String? = nil,
        channel: String? = nil,
        run: RunFacts? = nil,
        now: Int64
    ) {
        self.actions = actions
        self.door = door
        self.source = source
        self.channel = channel
        self.run = run
        self.now = now
    }

    /// The actions a replay request needs: `replay` or `replay_from_checkpoint`, plus `force` and `bulk` when it
    /// asks for them.
    public static func actions(for request: ReplayRequest) -> [PolicyAction] {
        var actions: [PolicyAction] = [request.fromCheckpoint == nil ? .replay : .replayFromCheckpoint]
        if request.force { actions.append(.force) }
        if request.bulk { actions.append(.bulk) }
        return actions
    }
}
