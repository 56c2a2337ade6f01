import GRDB

extension FollowUpOutbox {
    /// The schema's migrations, in order. A released migration is never edited: a change is a new migration.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: schemaV1)
        }
        return migrator
    }

    /// v1: one row per follow-up.
    ///
    /// Times are Unix milliseconds. No enum `CHECK`s on `kind`, `state` or `failure_code` (a later release may add
    /// values; rows are validated when decoded). `follow_ups_due` serves `due` and `nextAttemptAt`;
    /// `follow_ups_conversation` serves the budget count and the oldest-pending-per-conversation test;
    /// `follow_ups_finished` serves `prune`.
    static let schemaV1 = """
        CREATE TABLE follow_ups (
            id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            destination TEXT NOT NULL,
            body BLOB NOT NULL,
            conversation TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            not_after INTEGER NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL CHECK (attempts >= 0),
            next_attempt_at INTEGER NOT NULL,
            last_status INTEGER,
            last_error TEXT,
            failure_code TEXT,
            updated_at INTEGER NOT NULL,
            finished_at INTEGER
        );
        CREATE INDEX follow_ups_due ON follow_ups (state, next_attempt_at);
        CREATE INDEX follow_ups_conversation ON follow_ups (conversation, state);
        CREATE INDEX follow_ups_finished ON follow_ups (state, finished_at);
        """
}
