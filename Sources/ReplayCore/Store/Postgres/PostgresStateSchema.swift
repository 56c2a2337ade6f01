/// The PostgreSQL state's migrations, in order, with the same names and meaning as the SQLite store's
/// (``SQLiteReplayStore/migrator``): `v1` (replay records and their attempts), `v2-webhooks` (webhook deliveries,
/// replies owed, the automatic-replay budget, run lineage), `v3-team-tokens` (team tokens, with the marks of changes
/// the audit log has not recorded yet), `v4-pause` (pauses, and each replay's source). A released migration is never edited: a later schema
/// change is a new migration appended to both.
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
    ]
}
