/// The authenticate stage for the Unix socket: the kernel's peer credentials become a principal, or the
/// request is refused (403 `unknown_peer`) before its body is read.
public protocol PeerAuthenticator: Sendable {
    /// The principal for `peer`.
    func authenticate(_ peer: PeerCredentials) throws(ReplayError) -> Principal
}

/// A `PeerAuthenticator` backed by a `PrincipalDirectory` from config.
public struct DirectoryPeerAuthenticator: PeerAuthenticator {
    private let directory: PrincipalDirectory

    /// Creates the authenticator.
    public init(directory: PrincipalDirectory) {
        self.directory = directory
    }

    public func authenticate(_ peer: PeerCredentials) throws(ReplayError) -> Principal {
        guard let principal = directory.principal(for: peer) else {
            throw ReplayError(
                .unknownPeer,
                "uid \(peer.uid) is not mapped to a replayd principal; ask an operator to add it to "
                    + "[[principals]] (unix_users, unix_uids or unix_groups)"
            )
        }
        return principal
    }
}
