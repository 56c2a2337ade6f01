/// Creates, lists and revokes team tokens: what `replayd token` and the socket's `/v1/tokens` routes share.
///
/// A created token is returned once and never stored (only its keyed hash). The audit log is the daemon's: a change
/// made here is committed with a mark saying it still has to be recorded, and ``TeamTokenAuditRelay`` records it
/// (at once when the daemon made the change, within a second when `replayd token` did, or when the daemon next
/// starts if it was not running).
public struct TeamTokenAdmin: Sendable {
    private let store: any TeamTokenStore
    private let key: TeamTokenKey
    private let principals: Set<String>
    private let clock: any ReplayClock

    /// The longest note, in bytes.
    public static let maxNoteBytes = 200

    /// Creates the admin. `principals` are the configured `[[principals]]` names a token may be issued to.
    public init(store: any TeamTokenStore, key: TeamTokenKey, principals: Set<String>, clock: any ReplayClock) {
        self.store = store
        self.key = key
        self.principals = principals
        self.clock = clock
    }

    /// Makes a token for `principal`, valid for `lifetime` (`nil`: until revoked), on behalf of `by`.
    ///
    /// - Returns: the token (show it once; it cannot be recovered) and its record.
    public func create(
        principal: String,
        lifetime: Duration?,
        note: String?,
        by: String
    ) async throws(TeamTokenAdminError) -> (token: String, record: TeamTokenRecord) {
        guard principals.contains(principal) else {
            throw TeamTokenAdminError(
                .invalid,
                "principal \"\(principal.prefix(64))\" is not in [[principals]]; a token acts as a configured principal"
            )
        }
        if let note {
            guard note.utf8.count <= Self.maxNoteBytes,
                note.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0 != "\u{7f}" })
            else {
                throw TeamTokenAdminError(
                    .invalid,
                    "a note is at most \(Self.maxNoteBytes) bytes, without control characters"
                )
            }
        }
        if let lifetime, lifetime <= .zero {
            throw TeamTokenAdminError(.invalid, "an expiry must be in the future")
        }
        let now = clock.wallNowMilliseconds()
        let token = TeamTokenFormat.newToken()
        let record = TeamTokenRecord(
            id: TeamTokenFormat.newID(),
            principal: principal,
            createdAt: now,
            expiresAt: lifetime.map { now + Self.milliseconds($0) },
            note: note.flatMap { $0.isEmpty ? nil : $0 },
            createdBy: by
        )
        do {
            try await store.insertToken(record, hash: key.digest(token))
        } catch {
            throw TeamTokenAdminError(.unavailable, "cannot store the token: \(error.message)")
        }
        return (token, record)
    }

    /// Every token, newest first.
    public func list() async throws(TeamTokenAdminError) -> [TeamTokenRecord] {
        do {
            return try await store.tokens()
        } catch {
            throw TeamTokenAdminError(.unavailable, "cannot read the tokens: \(error.message)")
        }
    }

    /// Revokes the token `id` on behalf of `by`; it stops working on the next request.
    public func revoke(id: String, by: String) async throws(TeamTokenAdminError) -> TeamTokenRecord {
        guard TeamTokenFormat.isWellFormedID(id) else {
            throw TeamTokenAdminError(
                .invalid,
                "a token id is tok_ and 16 hex characters (see `replayd token list`); never pass the token itself"
            )
        }
        let revoked: TeamTokenRecord?
        do {
            revoked = try await store.revokeToken(id: id, at: clock.wallNowMilliseconds(), by: by)
        } catch {
            throw TeamTokenAdminError(.unavailable, "cannot revoke the token: \(error.message)")
        }
        guard let revoked else { throw TeamTokenAdminError(.notFound, "no token with id \(id)") }
        return revoked
    }

    /// Parses a lifetime as `--expires` takes it: a config duration (`12h`, `90m`), a number of days (`30d`), or
    /// `never`. Returns `.success(nil)` for `never`.
    public static func parseLifetime(_ text: String) -> Result<Duration?, TeamTokenAdminError> {
        if text == "never" { return .success(nil) }
        if text.hasSuffix("d"), let days = Int64(text.dropLast()), days > 0, days <= 3650 {
            return .success(.seconds(days * 86_400))
        }
        if let duration = ConfigDuration.parse(text), duration > .zero { return .success(duration) }
        return .failure(
            TeamTokenAdminError(
                .invalid,
                "expiry must be a duration such as 30d, 12h or 90m, or never; got \(text.prefix(32))"
            )
        )
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

/// A token could not be created, listed or revoked.
public struct TeamTokenAdminError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// A bad argument (400).
        case invalid = "bad_request"
        /// No such token (404).
        case notFound = "not_found"
        /// The store failed (503).
        case unavailable = "service_unavailable"
    }

    /// What kind of failure.
    public var code: Code
    /// Words for the operator; never a token.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
