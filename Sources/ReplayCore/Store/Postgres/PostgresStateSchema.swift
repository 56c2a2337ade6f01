/// The PostgreSQL state's migrations, in order, with the same names and meaning as the SQLite store's
/// (``SQLiteReplayStore/migrator``): `v1` (replay records and their attempts), `v2-webhooks` (webhook deliveries,
/// replies owed, the automatic-replay budget, run lineage), `v3-team-tokens` (team tokens, with the marks of changes
/// the audit log has not recorded yet), `v4-pause` (pauses, and each replay's source), `v5-leases` (each
/// unfinished replay's lease: the instance that drives it, until when, and its fencing token),
/// `v6-upstream-budget` (the fleet's upstream budget), `v7-instances` (the instance registry: heartbeats and clock
/// skew). A released migration
/// is never edited: a later schema change is a new migration appended to both.
///
/// The columns are the SQLite schema's with PostgreSQL's types (`BIGINT` times and numbers, `BOOLEAN` flags,
/// `BYTEA` bodies), plus `replays.seq`, which stands for SQLite's `rowid` (insertion order, for ties in
/// `created_at`, and for chunked pruning).
enum PostgresStateSchema {
    /// One migration: a name and its statements (the extended protocol runs one statement per query).
    struct Migration: Sendable {
        var name: String
        var statements: [String]
    }

    /// Where applied migrations are recorded.
    static let migrationsTable = "replayd_schema_migrations"

    /// Every migration, oldest first.
    static let migrations: [Migration] = [
        Migration(
            name: "v1",
            statements: [
                """
                CREATE TABLE replays (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
                    principal TEXT NOT NULL,
                    key TEXT NOT NULL,
                    key_source TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    action TEXT NOT NULL,
                    run_id TEXT NOT NULL,
                    from_checkpoint BIGINT,
                    force BOOLEAN NOT NULL,
                    door TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL,
                    next_action_at BIGINT,
                    reconcile_deadline BIGINT,
                    project_id TEXT,
                    new_run_id TEXT,
                    coalesced_from_principal TEXT,
                    coalesced_from_key TEXT,
                    response_status BIGINT,
                    response_body BYTEA,
                    error_code TEXT,
                    error_message TEXT,
                    resolution TEXT,
                    PRIMARY KEY (principal, key),
                    CHECK ((coalesced_from_principal IS NULL) = (coalesced_from_key IS NULL))
                )
                """,
                "CREATE INDEX replays_coalescing ON replays (action, run_id, from_checkpoint, created_at)",
                "CREATE INDEX replays_state ON replays (state, created_at)",
                "CREATE INDEX replays_updated ON replays (updated_at)",
                """
                CREATE TABLE attempts (
                    principal TEXT NOT NULL,
                    key TEXT NOT NULL,
                    number BIGINT NOT NULL CHECK (number >= 1),
                    request_id TEXT NOT NULL,
                    recorded_at BIGINT NOT NULL,
                    outcome TEXT NOT NULL,
                    status BIGINT,
                    detail TEXT,
                    finished_at BIGINT,
                    PRIMARY KEY (principal, key, number),
                    FOREIGN KEY (principal, key) REFERENCES replays (principal, key) ON DELETE CASCADE
                )
                """,
                "CREATE UNIQUE INDEX attempts_request_id ON attempts (request_id)",
            ]
        ),
        Migration(
            name: "v2-webhooks",
            statements: [
                """
                CREATE TABLE webhook_deliveries (
                    source TEXT NOT NULL,
                    delivery_id TEXT NOT NULL,
                    received_at BIGINT NOT NULL,
                    answer_status BIGINT,
                    answer_type TEXT,
                    answer_body BYTEA,
                    reply_kind TEXT,
                    reply_principal TEXT,
                    reply_key TEXT,
                    reply_run_id TEXT,
                    reply_destination TEXT,
                    reply_not_after BIGINT,
                    reply_done BOOLEAN NOT NULL DEFAULT TRUE,
                    PRIMARY KEY (source, delivery_id)
                )
                """,
                "CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at)",
                "CREATE INDEX webhook_deliveries_replies ON webhook_deliveries (reply_done, received_at)",
                """
                CREATE TABLE automatic_replays (
                    source TEXT NOT NULL,
                    original_run_id TEXT NOT NULL,
                    count BIGINT NOT NULL,
                    last_at BIGINT NOT NULL,
                    PRIMARY KEY (source, original_run_id)
                )
                """,
                "CREATE INDEX replays_new_run ON replays (new_run_id) WHERE new_run_id IS NOT NULL",
                """
                CREATE TABLE run_lineage (
                    new_run_id TEXT PRIMARY KEY,
                    original_run_id TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
            ]
        ),
        Migration(
            name: "v3-team-tokens",
            statements: [
                """
                CREATE TABLE team_tokens (
                    id TEXT PRIMARY KEY NOT NULL,
                    hash TEXT NOT NULL,
                    principal TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    expires_at BIGINT,
                    last_used_at BIGINT,
                    note TEXT,
                    created_by TEXT NOT NULL,
                    revoked_at BIGINT,
                    revoked_by TEXT,
                    created_audited BOOLEAN NOT NULL DEFAULT FALSE,
                    revoked_audited BOOLEAN NOT NULL DEFAULT FALSE
                )
                """,
                "CREATE UNIQUE INDEX team_tokens_hash ON team_tokens (hash)",
                "CREATE INDEX team_tokens_unaudited ON team_tokens (created_audited, revoked_audited)",
            ]
        ),
        Migration(
            name: "v4-pause",
            statements: [
                """
                CREATE TABLE pauses (
                    scope TEXT PRIMARY KEY,
                    reason TEXT,
                    paused_at BIGINT NOT NULL,
                    paused_by TEXT NOT NULL
                )
                """,
                "ALTER TABLE replays ADD COLUMN source TEXT",
            ]
        ),
        Migration(
            name: "v5-leases",
            statements: [
                // The instance that drives the record, until when (Unix ms, the instances' clocks), and the
                // fencing token: incremented by every takeover, checked by every write of the driver.
                "ALTER TABLE replays ADD COLUMN lease_owner TEXT",
                "ALTER TABLE replays ADD COLUMN lease_expires_at BIGINT",
                "ALTER TABLE replays ADD COLUMN lease_fence BIGINT NOT NULL DEFAULT 0",
                // The takeover scan: unfinished records by expiry. Records from before v5 have no lease (NULL)
                // and are taken over at once.
                """
                CREATE INDEX replays_leases ON replays (lease_expires_at)
                WHERE state IN ('pending', 'in_flight', 'reconciling')
                """,
                """
                CREATE INDEX replays_lease_owner ON replays (lease_owner)
                WHERE state IN ('pending', 'in_flight', 'reconciling')
                """,
            ]
        ),
        // The fleet's upstream budget (`PostgresUpstreamBudget`): one GCRA state per API key, keyed by the key's
        // SHA-256 (never the key). Times are microseconds on the budget's time base.
        Migration(
            name: "v6-upstream-budget",
            statements: [
                """
                CREATE TABLE upstream_budget (
                    key_hash TEXT PRIMARY KEY,
                    limit_per_window BIGINT,
                    remaining BIGINT,
                    reset_at BIGINT,
                    tat_us BIGINT,
                    paused_until_us BIGINT NOT NULL DEFAULT 0,
                    issued BIGINT NOT NULL DEFAULT 0,
                    newest_observed BIGINT NOT NULL DEFAULT -1,
                    last_start_us BIGINT NOT NULL DEFAULT 0,
                    last_now_us BIGINT NOT NULL DEFAULT 0,
                    last_admitted BOOLEAN NOT NULL DEFAULT TRUE,
                    updated_at_us BIGINT NOT NULL DEFAULT 0
                )
                """
            ]
        ),
        Migration(
            name: "v7-instances",
            statements: [
                // The instance registry: one row per instance id, upserted by every heartbeat. Times are Unix
                // milliseconds; last_seen is the database's now(), skew_ms the instance's clock minus it.
                """
                CREATE TABLE instances (
                    instance_id TEXT PRIMARY KEY,
                    host TEXT NOT NULL,
                    pid BIGINT NOT NULL,
                    version TEXT NOT NULL,
                    started_at BIGINT NOT NULL,
                    last_seen BIGINT NOT NULL,
                    clock_at_last_seen BIGINT NOT NULL,
                    skew_ms BIGINT NOT NULL
                )
                """
            ]
        ),
        // The fleet's pacing schedule (`PostgresUpstreamBudget`): the whole schedule one instance keeps in memory,
        // as JSON, one row per API key (keyed by the key's SHA-256, never the key); every instance's decisions are
        // transactions on it. It replaces v6's GCRA row: a replayd older than this migration finds its table gone
        // and fails closed (no calls to Strait) until it is upgraded.
        Migration(
            name: "v8-upstream-schedule",
            statements: [
                "DROP TABLE upstream_budget",
                """
                CREATE TABLE upstream_schedule (
                    key_hash TEXT PRIMARY KEY,
                    schedule TEXT,
                    updated_at_us BIGINT NOT NULL DEFAULT 0
                )
                """,
            ]
        ),
    ]
}
