/// Where team tokens live: a small seam of its own, so a backend (SQLite in the state database today, PostgreSQL
/// for a fleet) stores them next to the replay records. Only keyed hashes of tokens are stored; a lookup is by
/// that hash, on an index, so every request sees a revocation or an expiry the moment it is committed.
public protocol TeamTokenStore: Sendable {
    /// Stores a new token under `hash` (``TeamTokenKey/digest(_:)``). Throws `StoreError` when the id or the hash
    /// already exists.
    func insertToken(_ record: TeamTokenRecord, hash: String) async throws(StoreError)

    /// The token whose keyed hash is `hash`, with that stored hash (for a constant-time check), or `nil`.
    func token(hash: String) async throws(StoreError) -> (record: TeamTokenRecord, hash: String)?

    /// Every token, newest first, revoked and expired ones included.
    func tokens() async throws(StoreError) -> [TeamTokenRecord]

    /// Revokes the token `id` at `at` (Unix ms) on behalf of `by`, and returns it; an already revoked token is
    /// returned unchanged; `nil` when there is no such token.
    func revokeToken(id: String, at: Int64, by: String) async throws(StoreError) -> TeamTokenRecord?

    /// Records that the token `id` authenticated a request at `at` (Unix ms).
    func touchToken(id: String, at: Int64) async throws(StoreError)

    /// Creations and revocations not yet in the audit log, oldest first: the `replayd token` command writes the
    /// store while the daemon runs, and the daemon (which owns the audit log) records them.
    func unauditedTokenChanges() async throws(StoreError) -> [TeamTokenChange]

    /// Marks `change` as recorded in the audit log.
    func markAudited(_ change: TeamTokenChange) async throws(StoreError)
}

/// A creation or a revocation of a team token that the audit log must record.
public struct TeamTokenChange: Sendable, Hashable {
    /// What happened.
    public enum Action: String, Sendable, Hashable {
        /// The token was created.
        case created
        /// The token was revoked.
        case revoked
    }

    /// What happened.
    public var action: Action
    /// The token afterwards.
    public var record: TeamTokenRecord

    /// Creates a change.
    public init(action: Action, record: TeamTokenRecord) {
        self.action = action
        self.record = record
    }
}
