/// `[[principals]]`: one named identity, and who acts as it: Unix users, uids and groups on the socket; Slack,
/// Discord and GitHub users on the webhook doors. A principal with no mapping at all is a service principal that
/// only `standard_webhooks` and `strait` sources act as (`[[sources]] principal`).
///
/// A caller maps to at most one principal: a user, uid, group, chat user or login may appear in only one.
public struct PrincipalConfig: Sendable, Hashable {
    /// `name` (required, unique): 1 to 64 characters from `a-z A-Z 0-9 . _ -`. Used in audit records and policy.
    public var name: String
    /// `unix_users`: user names, resolved to uids when the daemon starts (not by the config loader).
    public var unixUsers: [String]
    /// `unix_uids`: numeric uids.
    public var unixUIDs: [UInt32]
    /// `unix_groups`: group names; members (primary or supplementary) act as this principal.
    public var unixGroups: [String]

    /// `slack_users`: `TEAM_ID/USER_ID` pairs, as Slack sends them in `team_id` and `user_id`.
    public var slackUsers: [String]
    /// `discord_users`: `GUILD_ID/USER_ID` pairs (snowflakes).
    public var discordUsers: [String]
    /// `github_logins`: GitHub logins whose `/replay` comments act as this principal.
    public var githubLogins: [String]
    /// `groups`: names of policy groups this principal is in; `[[grants]] to = ["group:NAME"]` names them.
    /// (Not Unix groups: those are `unix_groups`.)
    public var groups: [String]

    /// Creates a principal. In a config file it needs at least one mapping, unless a source acts as it.
    public init(
        name: String,
        unixUsers: [String] = [],
        unixUIDs: [UInt32] = [],
        unixGroups: [String] = [],
        slackUsers: [String] = [],
        discordUsers: [String] = [],
        githubLogins: [String] = [],
        groups: [String] = []
    ) {
        self.name = name
        self.unixUsers = unixUsers
        self.unixUIDs = unixUIDs
        self.unixGroups = unixGroups
        self.slackUsers = slackUsers
        self.discordUsers = discordUsers
        self.githubLogins = githubLogins
        self.groups = groups
    }
}
