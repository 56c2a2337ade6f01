import ReplayCore

/// A Unix-socket peer: the kernel's credentials at `accept()`, and the principal they map to (or why not).
public struct SocketPeer: Sendable {
    /// `SO_PEERCRED` of the connection.
    public var credentials: PeerCredentials
    /// The authenticate stage's answer for those credentials.
    public var authentication: Result<Principal, ReplayError>

    /// Creates a peer.
    public init(credentials: PeerCredentials, authentication: Result<Principal, ReplayError>) {
        self.credentials = credentials
        self.authentication = authentication
    }
}
