import Logging
import PostgresNIO

/// Pauses, in the shared `pauses` table (migration `v4-pause`): one row per scope, `*` for every replay, as in the
/// SQLite store. Every instance on the database reads the same pauses when it starts.
extension PostgresReplayStore: PauseStore {
    public func pauses() async throws(StoreError) -> [PauseEntry] {
        try await read("reading pauses") { connection, logger in
            let rows = try await Self.rows(
                connection,
                logger,
                "SELECT scope, reason, paused_at, paused_by FROM pauses ORDER BY scope"
            )
            var entries: [PauseEntry] = []
            for row in rows {
                let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
                let scope: String = try columns.value(0, "pauses.scope")
                entries.append(
                    PauseEntry(
                        scope: PauseScope(storageKey: scope),
                        reason: try columns.value(1, "pauses.reason"),
                        pausedAt: try columns.value(2, "pauses.paused_at"),
                        by: try columns.value(3, "pauses.paused_by")
                    )
                )
            }
            return entries
        }
    }

    public func savePause(_ entry: PauseEntry) async throws(StoreError) {
        try await write("storing a pause") { connection, logger in
            var binds = PostgresBindings()
            binds.append(entry.scope.storageKey)
            binds.append(entry.reason)
            binds.append(entry.pausedAt)
            binds.append(entry.by)
            try await Self.rows(
                connection,
                logger,
                """
                INSERT INTO pauses (scope, reason, paused_at, paused_by) VALUES ($1, $2, $3, $4)
                ON CONFLICT (scope) DO UPDATE SET reason = excluded.reason, paused_at = excluded.paused_at,
                paused_by = excluded.paused_by
                """,
                binds
            )
        }
    }

    public func removePauses(_ scope: PauseScope?) async throws(StoreError) {
        try await write("removing a pause") { connection, logger in
            if let scope {
                var binds = PostgresBindings()
                binds.append(scope.storageKey)
                try await Self.rows(connection, logger, "DELETE FROM pauses WHERE scope = $1", binds)
            } else {
                try await Self.rows(connection, logger, "DELETE FROM pauses")
            }
        }
    }
}
