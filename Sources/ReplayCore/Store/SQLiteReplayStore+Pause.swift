import GRDB

/// Pauses, in the `pauses` table (migration `v4-pause`): one row per scope, `*` for every replay.
extension SQLiteReplayStore: PauseStore {
    public func pauses() async throws(StoreError) -> [PauseEntry] {
        try await read("reading pauses") { db in
            try Row.fetchAll(db, sql: "SELECT scope, reason, paused_at, paused_by FROM pauses ORDER BY scope").map {
                row in
                PauseEntry(
                    scope: PauseScope(storageKey: row["scope"]),
                    reason: row["reason"],
                    pausedAt: row["paused_at"],
                    by: row["paused_by"]
                )
            }
        }
    }

    public func savePause(_ entry: PauseEntry) async throws(StoreError) {
        try await write("storing a pause") { db in
            try db.execute(
                sql: """
                    INSERT INTO pauses (scope, reason, paused_at, paused_by) VALUES (?, ?, ?, ?)
                    ON CONFLICT (scope) DO UPDATE SET reason = excluded.reason, paused_at = excluded.paused_at,
                    paused_by = excluded.paused_by
                    """,
                arguments: [entry.scope.storageKey, entry.reason, entry.pausedAt, entry.by]
            )
        }
    }

    public func removePauses(_ scope: PauseScope?) async throws(StoreError) {
        try await write("removing a pause") { db in
            if let scope {
                try db.execute(sql: "DELETE FROM pauses WHERE scope = ?", arguments: [scope.storageKey])
            } else {
                try db.execute(sql: "DELETE FROM pauses")
            }
        }
    }
}
