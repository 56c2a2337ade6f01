/// `[[principals]]`: one named identity, and the Unix users, uids and groups that act as it on the socket.
///
/// A caller maps to at most one principal: a user, uid or group may appear in only one principal.
public struct PrincipalConfig: Sendable, Hashable {
    /// `name` (required, unique): 1 to 64 characters from `a-z A-Z 0-9 . _ -`. Used in audit records and policy.
    public var name: String
    /// `unix_users`: user names, resolved to uids when the daemon starts (not by the config loader).
    public var unixUsers: [String]
    /// `unix_uids`: numeric uids.
    public var unixUIDs: [UInt32]
    /// `unix_groups`: group names; members (primary or supplementary) act as this principal.
    public var unixGroups: [String]

    /// Creates a principal. At least one of the three mappings must be non-empty in a config file.
    public init(name: String, unixUsers: [String] = [], unixUIDs: [UInt32] = [], unixGroups: [String] = []) {
        self.name = name
        self.unixUsers = unixUsers
        self.unixUIDs = unixUIDs
        self.unixGroups = unixGroups
    }
}
