/// Maps a Unix peer to a principal from the `[[principals]]` config, like PostgreSQL's `pg_ident.conf`: an explicit uid or user name wins,
/// then group membership (primary or supplementary), in config order. Built once at startup (and on reload).
public struct PrincipalDirectory: PrincipalLookup {
    private let names: Set<String>
    private let byUID: [UInt32: (name: String, matchedBy: String)]
    private let byGID: [(gid: UInt32, name: String, matchedBy: String)]
    private let bySender: [String: String]
    private let accounts: any UnixAccounts
    /// Names in `unix_users`/`unix_groups` that did not resolve; reported at startup as warnings.
    public let unresolved: [String]

    /// Builds the directory, resolving user and group names through `accounts`.
    public init(mappings: [PrincipalConfig], accounts: any UnixAccounts = SystemUnixAccounts()) {
        var byUID: [UInt32: (name: String, matchedBy: String)] = [:]
        var byGID: [(gid: UInt32, name: String, matchedBy: String)] = []
        var unresolved: [String] = []
        var bySender: [String: String] = [:]
        for mapping in mappings {
            let senders =
                mapping.slackUsers.map { "slack:\($0)" } + mapping.discordUsers.map { "discord:\($0)" }
                + mapping.githubLogins.map { "github:\($0.lowercased())" }
            for sender in senders where bySender[sender] == nil {
                bySender[sender] = mapping.name
            }
            for uid in mapping.unixUIDs where byUID[uid] == nil {
                byUID[uid] = (mapping.name, "unix_uids \(uid)")
            }
            for user in mapping.unixUsers {
                if let uid = accounts.uid(ofUser: user) {
                    if byUID[uid] == nil { byUID[uid] = (mapping.name, "unix_users \(user)") }
                } else {
                    unresolved.append("principal \(mapping.name): unix user \"\(user)\" does not exist")
                }
            }
            for group in mapping.unixGroups {
                if let gid = UInt32(group) ?? accounts.gid(ofGroup: group) {
                    byGID.append((gid, mapping.name, "unix_groups \(group)"))
                } else {
                    unresolved.append("principal \(mapping.name): unix group \"\(group)\" does not exist")
                }
            }
        }
        self.names = Set(mappings.map(\.name))
        self.byUID = byUID
        self.byGID = byGID
        self.bySender = bySender
        self.accounts = accounts
        self.unresolved = unresolved
    }

    public func hasPrincipal(named name: String) -> Bool {
        names.contains(name)
    }

    /// The principal for `peer`, or `nil` when the peer is not mapped.
    public func principal(for peer: PeerCredentials) -> Principal? {
        if let match = byUID[peer.uid] {
            return Principal(name: match.name, authentication: .unixPeer(peer, matchedBy: match.matchedBy))
        }
        guard !byGID.isEmpty else { return nil }
        let groups = accounts.groupIDs(ofUID: peer.uid, primaryGID: peer.gid)
        for entry in byGID where groups.contains(entry.gid) {
            return Principal(name: entry.name, authentication: .unixPeer(peer, matchedBy: entry.matchedBy))
        }
        return nil
    }

    /// The principal a webhook sender maps to through `slack_users`, `discord_users` or `github_logins`, or `nil`.
    public func principal(for sender: SenderIdentity, source: String) -> Principal? {
        bySender[sender.directoryKey].map { name in
            Principal(name: name, authentication: .webhook(source: source, matchedBy: sender.description))
        }
    }
}
