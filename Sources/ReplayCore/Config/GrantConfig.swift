/// `[[grants]]`: what a set of principals may do, deny by default. A request is allowed only when, for each
/// action it needs, a grant names its principal (or one of its groups) in ``to``, lists the action in ``allow``,
/// and every scope it sets matches. The first such grant wins and the audit record names it.
///
/// An unset scope matches everything; a set scope must contain the request's value.
public struct GrantConfig: Sendable, Hashable {
    /// `name`: shown in audit records and denials. 1 to 64 characters from `a-z A-Z 0-9 . _ -`; unique. Default
    /// `grants[N]` (its position in the file, from 0).
    public var name: String
    /// `to` (required): principal names and `group:NAME` (every principal whose `groups` has `NAME`).
    public var to: [String]
    /// `allow` (required): the actions this grant allows.
    public var allow: [PolicyAction]
    /// `projects`: Strait project ids. Replays only: the run is looked up upstream first (cached, audited).
    public var projects: [String]?
    /// `jobs`: Strait job ids, like ``projects``.
    public var jobs: [String]?
    /// `doors`: `socket`, `rpc`, `slack`, `discord`, `github`, `standard_webhooks`, `strait`.
    public var doors: [RequestOrigin.Door]?
    /// `sources`: `[[sources]]` names (webhook doors only: a socket request has no source and does not match).
    public var sources: [String]?
    /// `channels`: Slack or Discord channel ids, or GitHub repositories (`owner/name`), that a chat request came
    /// from. A request without a channel (the socket) does not match.
    public var channels: [String]?
    /// `not_before`: RFC 3339; the grant matches nothing before then. Unix milliseconds.
    public var notBefore: Int64?
    /// `not_after`: RFC 3339; the grant matches nothing after then (an on-call rota). Unix milliseconds.
    public var notAfter: Int64?

    /// Creates a grant.
    public init(
        name: String,
        to: [String],
        allow: [PolicyAction],
        projects: [String]? = nil,
        jobs: [String]? = nil,
        doors: [RequestOrigin.Door]? = nil,
        sources: [String]? = nil,
        channels: [String]? = nil,
        notBefore: Int64? = nil,
        notAfter: Int64? = nil
    ) {
        self.name = name
        self.to = to
        self.allow = allow
        self.projects = projects
        self.jobs = jobs
        self.doors = doors
        self.sources = sources
        self.channels = channels
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// The actions every mapped principal had before grants existed: being mapped was the whole grant, and each
    /// principal saw and resolved only its own records.
    public static let mappedPrincipalActions: [PolicyAction] = [
        .replay, .replayFromCheckpoint, .force, .bulk, .read, .resolve,
    ]

    /// The `[[grants]]` block that gives `principals` today's (pre-grant) behaviour, as TOML to paste.
    public static func migrationBlock(for principals: [String]) -> String {
        let names = principals.map { TOMLKey.quote($0) }.joined(separator: ", ")
        let actions = mappedPrincipalActions.map { TOMLKey.quote($0.rawValue) }.joined(separator: ", ")
        return """
            [[grants]]
            name = "mapped-principals"
            to = [\(names)]
            allow = [\(actions)]
            """
    }
}
