import GRDB

extension SQLiteReplayStore: TeamTokenStore {
    /// v3: team tokens. `hash` is the keyed hash of the token (never the token); its unique index is the lookup
    /// each team-door request makes. `created_audited` / `revoked_audited` mark changes the audit log has not
    /// recorded yet (see ``TeamTokenAuditRelay``).
    static let schemaV3TeamTokens = """
        CREATE TABLE team_tokens (
            id TEXT PRIMARY KEY NOT NULL,
            hash TEXT NOT NULL,
            principal TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER,
            last_used_at INTEGER,
            note TEXT,
            created_by TEXT NOT NULL,
            revoked_at INTEGER,
            revoked_by TEXT,
            created_audited INTEGER NOT NULL DEFAULT 0,
            revoked_audited INTEGER NOT NULL DEFAULT 0
        );
        CREATE UNIQUE INDEX team_tokens_hash ON team_tokens (hash);
        CREATE INDEX team_tokens_unaudited ON team_tokens (created_audited, revoked_audited);
        """

    public func insertToken(_ record: TeamTokenRecord, hash: String) async throws(StoreError) {
        try await write("storing a team token") { db in
            try db.execute(
                sql: """
                    INSERT INTO team_tokens (id, hash, principal, created_at, expires_at, note, created_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, hash, record.principal, record.createdAt, record.expiresAt, record.note,
                    record.createdBy,
                ]
            )
        }
    }

    public func token(hash: String) async throws(StoreError) -> (record: TeamTokenRecord, hash: String)? {
        let found = try await read("looking up a team token") { db -> TokenRow? in
            try Row.fetchOne(db, sql: "SELECT * FROM team_tokens WHERE hash = ?", arguments: [hash])
                .map { TokenRow(record: Self.tokenRecord($0), hash: $0["hash"]) }
        }
        return found.map { ($0.record, $0.hash) }
    }

    public func tokens() async throws(StoreError) -> [TeamTokenRecord] {
        try await read("listing team tokens") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM team_tokens ORDER BY created_at DESC, id")
                .map(Self.tokenRecord)
        }
    }

    public func revokeToken(id: String, at time: Int64, by who: String) async throws(StoreError) -> TeamTokenRecord? {
        try await write("revoking a team token") { db in
            try db.execute(
                sql: """
                    UPDATE team_tokens SET revoked_at = ?, revoked_by = ?, revoked_audited = 0
                    WHERE id = ? AND revoked_at IS NULL
                    """,
                arguments: [time, who, id]
            )
            return try Row.fetchOne(db, sql: "SELECT * FROM team_tokens WHERE id = ?", arguments: [id])
                .map(Self.tokenRecord)
        }
    }

    public func touchToken(id: String, at time: Int64) async throws(StoreError) {
        try await write("recording a team token's use") { db in
            try db.execute(sql: "UPDATE team_tokens SET last_used_at = ? WHERE id = ?", arguments: [time, id])
        }
    }

    public func unauditedTokenChanges() async throws(StoreError) -> [TeamTokenChange] {
        try await read("listing unaudited team token changes") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM team_tokens
                    WHERE created_audited = 0 OR (revoked_at IS NOT NULL AND revoked_audited = 0)
                    ORDER BY created_at, id LIMIT 1000
                    """
            )
            var changes: [TeamTokenChange] = []
            for row in rows {
                let record = Self.tokenRecord(row)
                if (row["created_audited"] as Int?) == 0 {
                    changes.append(TeamTokenChange(action: .created, record: record))
                }
                if record.revokedAt != nil, (row["revoked_audited"] as Int?) == 0 {
                    changes.append(TeamTokenChange(action: .revoked, record: record))
                }
            }
            return changes
        }
    }

    public func markAudited(_ change: TeamTokenChange) async throws(StoreError) {
        let column = change.action == .created ? "created_audited" : "revoked_audited"
        try await write("marking a team token change audited") { db in
            try db.execute(sql: "UPDATE team_tokens SET \(column) = 1 WHERE id = ?", arguments: [change.record.id])
        }
    }

    private struct TokenRow: Sendable {
        var record: TeamTokenRecord
        var hash: String
    }

    private static func tokenRecord(_ row: Row) -> TeamTokenRecord {
        TeamTokenRecord(
            id: row["id"],
            principal: row["principal"],
            createdAt: row["created_at"],
            expiresAt: row["expires_at"],
            lastUsedAt: row["last_used_at"],
            note: row["note"],
            createdBy: row["created_by"],
            revokedAt: row["revoked_at"],
            revokedBy: row["revoked_by"]
        )
    }
}
