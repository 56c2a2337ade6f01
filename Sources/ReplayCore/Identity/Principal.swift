/// Who a request acts as, after authentication: a name from `[[principals]]`, and how it was established.
public struct Principal: Sendable, Hashable, CustomStringConvertible {
    /// The principal's configured name.
    public var name: String
    /// How the caller was authenticated.
    public var authentication: Authentication

    /// How a caller was authenticated.
    public enum Authentication: Sendable, Hashable, CustomStringConvertible {
        /// A Unix-socket peer, identified by the kernel, matched by uid, user name or group.
        case unixPeer(PeerCredentials, matchedBy: String)
        /// A verified webhook: the source it came through, and the sender's identity that mapped to the principal
        /// (`slack_users T1/U1`, `github_logins octocat`, or `service` for a source's own principal).
        case webhook(source: String, matchedBy: String)
        /// A team door request with a gateway-issued bearer token, named by its id (never the token).
        case token(id: String)

        public var description: String {
            switch self {
            case .unixPeer(let credentials, let matchedBy): return "unix peer \(credentials) via \(matchedBy)"
            case .webhook(let source, let matchedBy): return "webhook \(source) via \(matchedBy)"
            case .token(let id): return "team token \(id)"
            }
        }
    }

    /// Creates a principal.
    public init(name: String, authentication: Authentication) {
        self.name = name
        self.authentication = authentication
    }

    public var description: String { "\(name) (\(authentication))" }
}
