/// One `[[principals]]` entry: a name and the Unix identities that map to it.
public struct PrincipalMapping: Sendable, Hashable {
    /// The principal's name.
    public var name: String
    /// User names, resolved to uids when the directory is built.
    public var unixUsers: [String]
    /// Numeric uids.
    public var unixUIDs: [UInt32]
    /// Group names (or numeric gids as text); a peer whose primary or supplementary groups include one matches.
    public var unixGroups: [String]

    /// Creates a mapping.
    public init(name: String, unixUsers: [String] = [], unixUIDs: [UInt32] = [], unixGroups: [String] = []) {
        self.name = name
        self.unixUsers = unixUsers
        self.unixUIDs = unixUIDs
        self.unixGroups = unixGroups
    }
}
