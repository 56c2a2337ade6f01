import Logging
import PostgresNIO

/// Team tokens in the shared `team_tokens` table (migration `v3-team-tokens`), as in the SQLite store: only keyed
/// hashes, a unique index on the hash for each team-door lookup, and `created_audited` / `revoked_audited` marking
/// changes the audit log has not recorded yet (``TeamTokenAuditRelay``). A token created or revoked on one instance
/// is seen by every instance's next lookup.
extension PostgresReplayStore: TeamTokenStore {
    static let tokenColumns =
        "id, principal, created_at, expires_at, last_used_at, note, created_by, revoked_at, revoked_by, hash, "
        + "created_audited, revoked_audited"

    public func insertToken(_ record: TeamTokenRecord, hash: String) async throws(StoreError) {
        try await write("storing a team token") { connection, logger in
            var binds = PostgresBindings(capacity: 7)
            binds.append(record.id)
            binds.append(hash)
            binds.append(record.principal)
            binds.append(record.createdAt)
            binds.append(record.expiresAt)
            binds.append(record.note)
            binds.append(record.createdBy)
            try await Self.rows(
                connection,
                logger,
                """
                INSERT INTO team_tokens (id, hash, principal, created_at, expires_at, note, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                binds
            )
        }
    }

    public func token(hash: String) async throws(StoreError) -> (record: TeamTokenRecord, hash: String)? {
        let found = try await read("looking up a team token") { connection, logger -> TokenRow? in
            var binds = PostgresBindings()
            binds.append(hash)
            let rows = try await Self.rows(
                connection,
                logger,
                "SELECT \(Self.tokenColumns) FROM team_tokens WHERE hash = $1",
                binds
            )
            return try rows.first.map(Self.tokenRow)
        }
        return found.map { ($0.record, $0.hash) }
    }

    public func tokens() async throws(StoreError) -> [TeamTokenRecord] {
        try await read("listing team tokens") { connection, logger in
            try await Self.rows(
                connection,
                logger,
                "SELECT \(Self.tokenColumns) FROM team_tokens ORDER BY created_at DESC, id"
            )
            .map { row in try Self.tokenRow(row).record }
        }
    }

    public func revokeToken(id: String, at time: Int64, by who: String) async throws(StoreError) -> TeamTokenRecord? {
        try await write("revoking a team token") { connection, logger in
            var binds = PostgresBindings()
            binds.append(time)
            binds.append(who)
            binds.append(id)
            try await Self.rows(
                connection,
                logger,
                """
                UPDATE team_tokens SET revoked_at = $1, revoked_by = $2, revoked_audited = FALSE
                WHERE id = $3 AND revoked_at IS NULL
                """,
                binds
            )
            var key = PostgresBindings()
            key.append(id)
            let rows = try await Self.rows(
                connection,
                logger,
                "SELECT \(Self.tokenColumns) FROM team_tokens WHERE id = $1",
                key
            )
            return try rows.first.map { try Self.tokenRow($0).record }
        }
    }

    public func touchToken(id: String, at time: Int64) async throws(StoreError) {
        try await write("recording a team token's use") { connection, logger in
            var binds = PostgresBindings()
            binds.append(time)
            binds.append(id)
            try await Self.rows(connection, logger, "UPDATE team_tokens SET last_used_at = $1 WHERE id = $2", binds)
        }
    }

    public func unauditedTokenChanges() async throws(StoreError) -> [TeamTokenChange] {
        try await read("listing unaudited team token changes") { connection, logger in
            let rows = try await Self.rows(
                connection,
                logger,
                """
                SELECT \(Self.tokenColumns) FROM team_tokens
                WHERE NOT created_audited OR (revoked_at IS NOT NULL AND NOT revoked_audited)
                ORDER BY created_at, id LIMIT 1000
                """
            )
            var changes: [TeamTokenChange] = []
            for row in rows {
                let token = try Self.tokenRow(row)
                if !token.createdAudited { changes.append(TeamTokenChange(action: .created, record: token.record)) }
                if token.record.revokedAt != nil, !token.revokedAudited {
                    changes.append(TeamTokenChange(action: .revoked, record: token.record))
                }
            }
            return changes
        }
    }

    public func markAudited(_ change: TeamTokenChange) async throws(StoreError) {
        let column = change.action == .created ? "created_audited" : "revoked_audited"
        try await write("marking a team token change audited") { connection, logger in
            var binds = PostgresBindings()
            binds.append(change.record.id)
            try await Self.rows(connection, logger, "UPDATE team_tokens SET \(column) = TRUE WHERE id = $1", binds)
        }
    }

    /// One `team_tokens` row: the record, its stored hash and its audit marks.
    private struct TokenRow: Sendable {
        var record: TeamTokenRecord
        var hash: String
        var createdAudited: Bool
        var revokedAudited: Bool
    }

    /// Decodes a row of ``tokenColumns``.
    private static func tokenRow(_ row: PostgresRow) throws(StoreError) -> TokenRow {
        let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
        return TokenRow(
            record: TeamTokenRecord(
                id: try columns.value(0, "team_tokens.id"),
                principal: try columns.value(1, "team_tokens.principal"),
                createdAt: try columns.value(2, "team_tokens.created_at"),
                expiresAt: try columns.value(3, "team_tokens.expires_at"),
                lastUsedAt: try columns.value(4, "team_tokens.last_used_at"),
                note: try columns.value(5, "team_tokens.note"),
                createdBy: try columns.value(6, "team_tokens.created_by"),
                revokedAt: try columns.value(7, "team_tokens.revoked_at"),
                revokedBy: try columns.value(8, "team_tokens.revoked_by")
            ),
            hash: try columns.value(9, "team_tokens.hash"),
            createdAudited: try columns.value(10, "team_tokens.created_audited"),
            revokedAudited: try columns.value(11, "team_tokens.revoked_audited")
        )
    }
}
