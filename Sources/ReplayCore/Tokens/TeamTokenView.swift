import Strait

/// A team token as `replayd token list -o json`, `GET /v1/tokens` and `replayctl token list` show it: never the
/// token itself, except `token` in the answer to a create (the one time it is shown). Times are RFC 3339 UTC.
public struct TeamTokenView: Codable, Sendable, Hashable {
    /// `tok_…`.
    public var id: String
    /// The token, only in the answer to a create.
    public var token: String?
    /// The principal it acts as.
    public var principal: String
    /// `active`, `revoked` or `expired`.
    public var state: String
    /// When it was created.
    public var createdAt: String
    /// When it expires, if ever.
    public var expiresAt: String?
    /// When it last authenticated a request.
    public var lastUsedAt: String?
    /// The operator's note.
    public var note: String?
    /// Who created it.
    public var createdBy: String
    /// When it was revoked.
    public var revokedAt: String?
    /// Who revoked it.
    public var revokedBy: String?

    enum CodingKeys: String, CodingKey {
        case id, token, principal, state, note
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case createdBy = "created_by"
        case revokedAt = "revoked_at"
        case revokedBy = "revoked_by"
    }

    /// The view of `record` at `now` (Unix ms), with `token` when it was just created.
    public init(_ record: TeamTokenRecord, now: Int64, token: String? = nil) {
        id = record.id
        self.token = token
        principal = record.principal
        state = record.state(at: now).rawValue
        createdAt = Self.timestamp(record.createdAt)
        expiresAt = record.expiresAt.map(Self.timestamp)
        lastUsedAt = record.lastUsedAt.map(Self.timestamp)
        note = record.note
        createdBy = record.createdBy
        revokedAt = record.revokedAt.map(Self.timestamp)
        revokedBy = record.revokedBy
    }

    /// Unix milliseconds as RFC 3339 UTC, to the second.
    public static func timestamp(_ milliseconds: Int64) -> String {
        StraitTimestamp(secondsSinceEpoch: milliseconds / 1000, nanoseconds: 0).rawValue
    }
}
