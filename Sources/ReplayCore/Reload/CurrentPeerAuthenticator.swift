/// A `PeerAuthenticator` that asks the principal directory in force at each call (``ReloadableState``), so a
/// reload that changes `[[principals]]` applies to the next request without a restart.
public struct CurrentPeerAuthenticator: PeerAuthenticator, PrincipalLookup {
    private let directory: @Sendable () -> PrincipalDirectory

    /// Creates the authenticator; `directory` returns the directory in force.
    public init(directory: @escaping @Sendable () -> PrincipalDirectory) {
        self.directory = directory
    }

    public func authenticate(_ peer: PeerCredentials) throws(ReplayError) -> Principal {
        try DirectoryPeerAuthenticator(directory: directory()).authenticate(peer)
    }

    public func hasPrincipal(named name: String) -> Bool {
        directory().hasPrincipal(named: name)
    }
}
