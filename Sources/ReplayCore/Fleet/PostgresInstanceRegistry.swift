import Logging
import PostgresNIO

/// The instance registry in the PostgreSQL state (`instances`, migration `v7-instances`). Each heartbeat is one
/// autocommit statement: the database's `now()` is `last_seen`, and the instance's own clock reading is stored
/// beside it, so that `skew_ms` = local − `now()` can be read by any instance (`replayd doctor`).
public struct PostgresInstanceRegistry: InstanceRegistry {
    let client: PostgresClient
    let logger: Logger

    /// A registry on `client`, which the caller runs.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The database's `now()` in Unix milliseconds, as SQL.
    static let nowMilliseconds = "(extract(epoch FROM now()) * 1000)::BIGINT"

    public func heartbeat(
        _ identity: InstanceIdentity,
        localNowMilliseconds: Int64,
        liveWithin: Duration
    ) async throws(StoreError) -> InstanceHeartbeat {
        let within = Self.milliseconds(liveWithin)
        do {
            return try await client.withConnection { connection in
                var binds = PostgresBindings()
                binds.append(identity.id)
                binds.append(identity.host)
                binds.append(identity.pid)
                binds.append(identity.version)
                binds.append(identity.startedAtMilliseconds)
                binds.append(localNowMilliseconds)
                // The CTE reads the row as it was before this statement, to see whether another process wrote it.
                let rows = try await PostgresReplayStore.rows(
                    connection,
                    logger,
                    """
                    WITH previous AS (
                        SELECT host, pid, version, started_at, last_seen, skew_ms FROM instances WHERE instance_id = $1
                    )
                    INSERT INTO instances (instance_id, host, pid, version, started_at, last_seen, clock_at_last_seen,
                        skew_ms)
                    VALUES ($1, $2, $3, $4, $5, \(Self.nowMilliseconds), $6, $6 - \(Self.nowMilliseconds))
                    ON CONFLICT (instance_id) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid,
                        version = EXCLUDED.version, started_at = EXCLUDED.started_at, last_seen = EXCLUDED.last_seen,
                        clock_at_last_seen = EXCLUDED.clock_at_last_seen, skew_ms = EXCLUDED.skew_ms
                    RETURNING last_seen, skew_ms, (SELECT host FROM previous), (SELECT pid FROM previous),
                        (SELECT version FROM previous), (SELECT started_at FROM previous),
                        (SELECT last_seen FROM previous), (SELECT skew_ms FROM previous)
                    """,
                    binds
                )
                guard let row = rows.first else {
                    throw StoreError(.io, "the instance heartbeat returned no row")
                }
                let (now, skew, host, pid, version, started, seen, previousSkew) = try row.decode(
                    (Int64, Int64, String?, Int64?, String?, Int64?, Int64?, Int64?).self
                )
                var claimedByOther: InstanceRecord?
                if let host, let pid, let version, let started, let seen, let previousSkew, now - seen <= within {
                    let previous = InstanceRecord(
                        id: identity.id,
                        host: host,
                        pid: pid,
                        version: version,
                        startedAtMilliseconds: started,
                        lastSeenMilliseconds: seen,
                        skewMilliseconds: previousSkew
                    )
                    if !previous.isProcess(identity) { claimedByOther = previous }
                }
                let live = try await Self.live(connection, logger, within: within, now: now)
                return InstanceHeartbeat(
                    databaseNowMilliseconds: now,
                    skewMilliseconds: skew,
                    live: live,
                    claimedByOther: claimedByOther
                )
            }
        } catch {
            throw PostgresReplayStore.storeError(error, "the instance heartbeat", code: .unavailable)
        }
    }

    public func live(
        within: Duration
    ) async throws(StoreError) -> (databaseNowMilliseconds: Int64, instances: [InstanceRecord]) {
        do {
            return try await client.withConnection { connection in
                let rows = try await PostgresReplayStore.rows(connection, logger, "SELECT \(Self.nowMilliseconds)")
                guard let row = rows.first else { throw StoreError(.io, "SELECT now() returned no row") }
                let now = try row.decode(Int64.self)
                return (now, try await Self.live(connection, logger, within: Self.milliseconds(within), now: now))
            }
        } catch {
            throw PostgresReplayStore.storeError(error, "reading the instance registry", code: .unavailable)
        }
    }

    public func remove(_ identity: InstanceIdentity) async throws(StoreError) {
        do {
            try await client.withConnection { connection in
                var binds = PostgresBindings()
                binds.append(identity.id)
                binds.append(identity.host)
                binds.append(identity.pid)
                binds.append(identity.startedAtMilliseconds)
                try await PostgresReplayStore.rows(
                    connection,
                    logger,
                    "DELETE FROM instances WHERE instance_id = $1 AND host = $2 AND pid = $3 AND started_at = $4",
                    binds
                )
            }
        } catch {
            throw PostgresReplayStore.storeError(error, "removing the instance from the registry", code: .unavailable)
        }
    }

    private static func live(
        _ connection: PostgresConnection,
        _ logger: Logger,
        within: Int64,
        now: Int64
    ) async throws -> [InstanceRecord] {
        var binds = PostgresBindings()
        binds.append(now - within)
        let rows = try await PostgresReplayStore.rows(
            connection,
            logger,
            """
            SELECT instance_id, host, pid, version, started_at, last_seen, skew_ms FROM instances
            WHERE last_seen >= $1 ORDER BY instance_id
            """,
            binds
        )
        return try rows.map { row in
            let (id, host, pid, version, started, seen, skew) = try row.decode(
                (String, String, Int64, String, Int64, Int64, Int64).self
            )
            return InstanceRecord(
                id: id,
                host: host,
                pid: pid,
                version: version,
                startedAtMilliseconds: started,
                lastSeenMilliseconds: seen,
                skewMilliseconds: skew
            )
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
