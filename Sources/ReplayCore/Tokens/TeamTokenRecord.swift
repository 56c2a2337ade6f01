/// One team token as the store keeps it: everything but the token itself, which is never stored (only its keyed
/// hash, see ``TeamTokenKey``). Times are Unix milliseconds.
public struct TeamTokenRecord: Sendable, Hashable {
    /// The token's public id (`tok_` + 16 hex), shown by `token list` and in the audit log instead of the token.
    public var id: String
    /// The `[[principals]]` name the token acts as.
    public var principal: String
    /// When it was created.
    public var createdAt: Int64
    /// When it stops working, or `nil` for never.
    public var expiresAt: Int64?
    /// When it last authenticated a request (updated at most once a minute), or `nil`.
    public var lastUsedAt: Int64?
    /// The operator's note (who it is for), or `nil`.
    public var note: String?
    /// Who created it (`cli:uid=1000`, or the principal that called the socket route).
    public var createdBy: String
    /// When it was revoked, or `nil`.
    public var revokedAt: Int64?
    /// Who revoked it.
    public var revokedBy: String?

    /// Creates a record.
    public init(
        id: String,
        principal: String,
        createdAt: Int64,
        expiresAt: Int64? = nil,
        lastUsedAt: Int64? = nil,
        note: String? = nil,
        createdBy: String,
        revokedAt: Int64? = nil,
        revokedBy: String? = nil
    ) {
        self.id = id
        self.principal = principal
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.note = note
        self.createdBy = createdBy
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }

    /// Whether the token works at `now` (Unix ms): `active`, `revoked` (wins over expiry) or `expired`.
    public func state(at now: Int64) -> TeamTokenState {
        if revokedAt != nil { return .revoked }
        if let expiresAt, now >= expiresAt { return .expired }
        return .active
    }
}

/// Whether a team token works.
public enum TeamTokenState: String, Sendable, Hashable {
    /// It authenticates requests.
    case active
    /// It was revoked; it never works again.
    case revoked
    /// Its expiry has passed.
    case expired
}
