import GRDB

extension SQLiteReplayStore {
    /// The schema's migrations, in order. A migration, once released, is never edited: a later schema change is a
    /// new migration (`v2`, …) appended here, so every file ever written by replayd can be brought forward.
    /// GRDB records applied migrations in `grdb_migrations`; reopening a migrated file applies nothing.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: schemaV1)
        }
        migrator.registerMigration("v2-webhooks") { db in
            try db.execute(sql: schemaV2Webhooks)
        }
        migrator.registerMigration("v3-team-tokens") { db in
            try db.execute(sql: schemaV3TeamTokens)
        }
        migrator.registerMigration("v4-pause") { db in
            try db.execute(sql: schemaV4Pause)
        }
        migrator.registerMigration("v5-leases") { db in
            try db.execute(sql: schemaV5Leases)
        }
        migrator.registerMigration("v6-upstream-budget") { db in
            try db.execute(sql: schemaV6UpstreamBudget)
        }
        migrator.registerMigration("v7-instances") { db in
            try db.execute(sql: schemaV7Instances)
        }
        migrator.registerMigration("v8-upstream-schedule") { db in
            try db.execute(sql: schemaV8UpstreamSchedule)
        }
        return migrator
    }

    /// v1: replay records and their upstream attempts.
    ///
    /// No enum `CHECK`s on `state`, `key_source` or `outcome` (SQLite cannot alter a `CHECK` without rebuilding
    /// the table, and a later release may add values); rows are validated when decoded instead.
    /// `coalesced_from_*` is not a foreign key: it names a record that may be pruned first, and stays history.
    static let schemaV1 = """
        CREATE TABLE replays (
            principal TEXT NOT NULL,
            key TEXT NOT NULL,
            key_source TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            action TEXT NOT NULL,
            run_id TEXT NOT NULL,
            from_checkpoint INTEGER,
            force INTEGER NOT NULL,
            door TEXT NOT NULL,
            request_id TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            next_action_at INTEGER,
            reconcile_deadline INTEGER,
            project_id TEXT,
            new_run_id TEXT,
            coalesced_from_principal TEXT,
            coalesced_from_key TEXT,
            response_status INTEGER,
            response_body BLOB,
            error_code TEXT,
            error_message TEXT,
            resolution TEXT,
            PRIMARY KEY (principal, key),
            CHECK ((coalesced_from_principal IS NULL) = (coalesced_from_key IS NULL))
        );
        CREATE INDEX replays_coalescing ON replays (action, run_id, from_checkpoint, created_at);
        CREATE INDEX replays_state ON replays (state, created_at);
        CREATE INDEX replays_updated ON replays (updated_at);

        CREATE TABLE attempts (
            principal TEXT NOT NULL,
            key TEXT NOT NULL,
            number INTEGER NOT NULL CHECK (number >= 1),
            request_id TEXT NOT NULL,
            recorded_at INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            status INTEGER,
            detail TEXT,
            finished_at INTEGER,
            PRIMARY KEY (principal, key, number),
            FOREIGN KEY (principal, key) REFERENCES replays (principal, key) ON DELETE CASCADE
        );
        CREATE UNIQUE INDEX attempts_request_id ON attempts (request_id);
        """

    /// v2: webhook deliveries (dedup and the answer a duplicate gets again), the replies still owed once a replay
    /// settles, and the automatic-replay budget and lineage of Strait-notified runs.
    static let schemaV2Webhooks = """
        CREATE TABLE webhook_deliveries (
            source TEXT NOT NULL,
            delivery_id TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            answer_status INTEGER,
            answer_type TEXT,
            answer_body BLOB,
            reply_kind TEXT,
            reply_principal TEXT,
            reply_key TEXT,
            reply_run_id TEXT,
            reply_destination TEXT,
            reply_not_after INTEGER,
            reply_done INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (source, delivery_id)
        );
        CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
        CREATE INDEX webhook_deliveries_replies ON webhook_deliveries (reply_done, received_at);
        CREATE TABLE automatic_replays (
            source TEXT NOT NULL,
            original_run_id TEXT NOT NULL,
            count INTEGER NOT NULL,
            last_at INTEGER NOT NULL,
            PRIMARY KEY (source, original_run_id)
        );
        CREATE INDEX replays_new_run ON replays (new_run_id) WHERE new_run_id IS NOT NULL;
        CREATE TABLE run_lineage (
            new_run_id TEXT PRIMARY KEY,
            original_run_id TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        """

    /// v4: pauses (`replayctl pause`), one row per scope (`*` for every replay), and each replay's source (a
    /// `[[sources]]` name; NULL for the socket), so that a pause of one source holds its replays across a restart.
    static let schemaV4Pause = """
        CREATE TABLE pauses (
            scope TEXT PRIMARY KEY,
            reason TEXT,
            paused_at INTEGER NOT NULL,
            paused_by TEXT NOT NULL
        );
        ALTER TABLE replays ADD COLUMN source TEXT;
        """

    /// v5-leases: the lease columns PostgreSQL's fleet uses (owner, expiry, fencing token), for the two schemas'
    /// shared meaning. SQLite has one instance (the instance lock), which owns every record: it never reads or
    /// writes them.
    static let schemaV5Leases = """
        ALTER TABLE replays ADD COLUMN lease_owner TEXT;
        ALTER TABLE replays ADD COLUMN lease_expires_at INTEGER;
        ALTER TABLE replays ADD COLUMN lease_fence INTEGER NOT NULL DEFAULT 0;
        """

    /// v6: the fleet's upstream budget (``PostgresUpstreamBudget``). A single SQLite instance never uses it (its
    /// pacer needs no shared budget); the table is here so both backends keep one schema, migration by migration.
    static let schemaV6UpstreamBudget = """
        CREATE TABLE upstream_budget (
            key_hash TEXT PRIMARY KEY,
            limit_per_window INTEGER,
            remaining INTEGER,
            reset_at INTEGER,
            tat_us INTEGER,
            paused_until_us INTEGER NOT NULL DEFAULT 0,
            issued INTEGER NOT NULL DEFAULT 0,
            newest_observed INTEGER NOT NULL DEFAULT -1,
            last_start_us INTEGER NOT NULL DEFAULT 0,
            last_now_us INTEGER NOT NULL DEFAULT 0,
            last_admitted INTEGER NOT NULL DEFAULT 1,
            updated_at_us INTEGER NOT NULL DEFAULT 0
        );
        """

    /// v7-instances: the instance registry, as in the PostgreSQL schema (same name, same meaning). A SQLite state
    /// has one instance, so nothing writes it: it is here so that both schemas keep one list of migrations.
    static let schemaV7Instances = """
        CREATE TABLE instances (
            instance_id TEXT PRIMARY KEY,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            version TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            clock_at_last_seen INTEGER NOT NULL,
            skew_ms INTEGER NOT NULL
        );
        """

    /// v8-upstream-schedule: the fleet's pacing schedule replaces v6's GCRA row, as in the PostgreSQL schema. A
    /// single SQLite instance never uses it.
    static let schemaV8UpstreamSchedule = """
        DROP TABLE upstream_budget;
        CREATE TABLE upstream_schedule (
            key_hash TEXT PRIMARY KEY,
            schedule TEXT,
            updated_at_us INTEGER NOT NULL DEFAULT 0
        );
        """
}
