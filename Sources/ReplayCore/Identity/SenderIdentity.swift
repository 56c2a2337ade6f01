/// Who sent a chat-ops webhook, as the sender identifies them: what `[[principals]]` maps to a principal.
public enum SenderIdentity: Sendable, Hashable, CustomStringConvertible {
    /// A Slack user in a workspace (`team_id`, `user_id`).
    case slack(team: String, user: String)
    /// A Discord user in a guild (`guild_id`, `member.user.id`).
    case discord(guild: String, user: String)
    /// A GitHub login (case-insensitive, as GitHub treats it).
    case github(login: String)

    /// The config key and value that would map this identity: `slack_users "T1/U1"`.
    public var description: String {
        switch self {
        case .slack(let team, let user): "slack_users \"\(team)/\(user)\""
        case .discord(let guild, let user): "discord_users \"\(guild)/\(user)\""
        case .github(let login): "github_logins \"\(login)\""
        }
    }

    /// The form the directory indexes: `slack:T1/U1`, `discord:G/U`, `github:login` (lowercased).
    var directoryKey: String {
        switch self {
        case .slack(let team, let user): "slack:\(team)/\(user)"
        case .discord(let guild, let user): "discord:\(guild)/\(user)"
        case .github(let login): "github:\(login.lowercased())"
        }
    }
}
