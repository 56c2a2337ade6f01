import Logging
import NIOCore
import PostgresNIO

extension PostgresReplayStore: WebhookDeliveryStore {
    /// See `WebhookDeliveryStore.claimDelivery`. A unique insert: the first instance to see a delivery handles it;
    /// a retry of it, to any instance, gets `answered` (the first answer, again) or `unanswered`.
    public func claimDelivery(_ delivery: DeliveryID, at time: Int64) async throws(StoreError) -> DeliveryClaim {
        try await write("claiming a webhook delivery") { connection, logger in
            var binds = PostgresBindings()
            binds.append(delivery.source)
            binds.append(delivery.id)
            binds.append(time)
            let inserted = try await Self.rows(
                connection,
                logger,
                """
                INSERT INTO webhook_deliveries (source, delivery_id, received_at) VALUES ($1, $2, $3)
                ON CONFLICT (source, delivery_id) DO NOTHING RETURNING 1
                """,
                binds
            )
            guard inserted.isEmpty else { return .new }
            var key = PostgresBindings()
            key.append(delivery.source)
            key.append(delivery.id)
            let rows = try await Self.rows(
                connection,
                logger,
                """
                SELECT answer_status, answer_type, answer_body FROM webhook_deliveries
                WHERE source = $1 AND delivery_id = $2
                """,
                key
            )
            guard let row = rows.first else { return .unanswered }
            let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
            let status: Int? = try columns.value(0, "webhook_deliveries.answer_status")
            guard let status else { return .unanswered }
            let type: String? = try columns.value(1, "webhook_deliveries.answer_type")
            let body: ByteBuffer? = try columns.value(2, "webhook_deliveries.answer_body")
            return .answered(
                DeliveryAnswer(
                    status: status,
                    contentType: type ?? "application/json",
                    body: body.map { Array($0.readableBytesView) } ?? []
                )
            )
        }
    }

    /// See `WebhookDeliveryStore.answerDelivery`.
    public func answerDelivery(
        _ delivery: DeliveryID,
        answer: DeliveryAnswer,
        reply: PendingReply?
    ) async throws(StoreError) {
        try await write("storing a webhook answer") { connection, logger in
            var binds = PostgresBindings(capacity: 12)
            binds.append(answer.status)
            binds.append(answer.contentType)
            binds.append(ByteBuffer(bytes: answer.body))
            binds.append(reply?.kind.rawValue)
            binds.append(reply?.record.principal)
            binds.append(reply?.record.key)
            binds.append(reply?.runID)
            binds.append(reply?.destination)
            binds.append(reply?.notAfter)
            binds.append(reply == nil)
            binds.append(delivery.source)
            binds.append(delivery.id)
            let changed = try await Self.rows(
                connection,
                logger,
                """
                UPDATE webhook_deliveries SET answer_status = $1, answer_type = $2, answer_body = $3,
                    reply_kind = $4, reply_principal = $5, reply_key = $6, reply_run_id = $7,
                    reply_destination = $8, reply_not_after = $9, reply_done = $10
                WHERE source = $11 AND delivery_id = $12
                RETURNING 1
                """,
                binds
            )
            guard changed.count == 1 else {
                throw StoreError(.notFound, "webhook delivery \(delivery.source) was not claimed")
            }
        }
    }

    /// See `WebhookDeliveryStore.releaseDelivery`.
    public func releaseDelivery(_ delivery: DeliveryID) async throws(StoreError) {
        try await write("releasing a webhook delivery") { connection, logger in
            var binds = PostgresBindings()
            binds.append(delivery.source)
            binds.append(delivery.id)
            try await Self.rows(
                connection,
                logger,
                """
                DELETE FROM webhook_deliveries
                WHERE source = $1 AND delivery_id = $2 AND answer_status IS NULL
                """,
                binds
            )
        }
    }

    /// See `WebhookDeliveryStore.pendingReplies`: the replies owed by the whole fleet, oldest first.
    public func pendingReplies(limit: Int) async throws(StoreError) -> [PendingReply] {
        try await read("listing pending webhook replies") { connection, logger in
            var binds = PostgresBindings()
            binds.append(limit)
            let rows = try await Self.rows(
                connection,
                logger,
                """
                SELECT source, delivery_id, reply_kind, reply_principal, reply_key, reply_run_id,
                    reply_destination, reply_not_after
                FROM webhook_deliveries WHERE NOT reply_done ORDER BY received_at LIMIT $1
                """,
                binds
            )
            return try rows.compactMap { row throws(StoreError) -> PendingReply? in
                let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
                let kindName: String? = try columns.value(2, "webhook_deliveries.reply_kind")
                let principal: String? = try columns.value(3, "webhook_deliveries.reply_principal")
                let key: String? = try columns.value(4, "webhook_deliveries.reply_key")
                let runID: String? = try columns.value(5, "webhook_deliveries.reply_run_id")
                guard let kindName, let kind = PendingReply.Kind(rawValue: kindName), let principal, let key, let runID
                else { return nil }
                let notAfter: Int64? = try columns.value(7, "webhook_deliveries.reply_not_after")
                return PendingReply(
                    delivery: DeliveryID(
                        source: try columns.value(0, "webhook_deliveries.source"),
                        id: try columns.value(1, "webhook_deliveries.delivery_id")
                    ),
                    kind: kind,
                    record: ReplayRecordID(principal: principal, key: key),
                    runID: runID,
                    destination: try columns.value(6, "webhook_deliveries.reply_destination"),
                    notAfter: notAfter ?? 0
                )
            }
        }
    }

    /// See `WebhookDeliveryStore.finishReply`.
    public func finishReply(_ delivery: DeliveryID) async throws(StoreError) {
        try await write("finishing a webhook reply") { connection, logger in
            var binds = PostgresBindings()
            binds.append(delivery.source)
            binds.append(delivery.id)
            try await Self.rows(
                connection,
                logger,
                "UPDATE webhook_deliveries SET reply_done = TRUE WHERE source = $1 AND delivery_id = $2",
                binds
            )
        }
    }

    /// See `WebhookDeliveryStore.reserveAutomaticReplay`. A transaction-scoped advisory lock on the source and run
    /// makes the read, the decision and the increment atomic against every instance.
    public func reserveAutomaticReplay(
        source: String,
        originalRunID: String,
        at time: Int64,
        decide: @escaping @Sendable (_ count: Int, _ lastAt: Int64?) -> Bool
    ) async throws(StoreError) -> Bool {
        try await write("reserving an automatic replay") { connection, logger in
            var lock = PostgresBindings()
            lock.append("replayd.automatic|\(source)|\(originalRunID)")
            try await Self.rows(connection, logger, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", lock)
            var key = PostgresBindings()
            key.append(source)
            key.append(originalRunID)
            let rows = try await Self.rows(
                connection,
                logger,
                "SELECT count, last_at FROM automatic_replays WHERE source = $1 AND original_run_id = $2",
                key
            )
            var count = 0
            var lastAt: Int64?
            if let row = rows.first {
                let columns = PostgresColumns(row: PostgresRandomAccessRow(row))
                count = try columns.value(0, "automatic_replays.count")
                lastAt = try columns.value(1, "automatic_replays.last_at")
            }
            guard decide(count, lastAt) else { return false }
            var binds = PostgresBindings()
            binds.append(source)
            binds.append(originalRunID)
            binds.append(time)
            try await Self.rows(
                connection,
                logger,
                """
                INSERT INTO automatic_replays (source, original_run_id, count, last_at) VALUES ($1, $2, 1, $3)
                ON CONFLICT (source, original_run_id)
                DO UPDATE SET count = automatic_replays.count + 1, last_at = excluded.last_at
                """,
                binds
            )
            return true
        }
    }

    /// See `WebhookDeliveryStore.originalRun(of:)`: the lineage table, else the replay record that created the
    /// run, walked back in one recursive statement (bounded, in case of a cycle).
    public func originalRun(of runID: String) async throws(StoreError) -> String {
        try await read("looking up a run's lineage") { connection, logger in
            var binds = PostgresBindings()
            binds.append(runID)
            let rows = try await Self.rows(
                connection,
                logger,
                """
                WITH RECURSIVE walk(run, depth, root) AS (
                    SELECT $1::text, 0, (SELECT original_run_id FROM run_lineage WHERE new_run_id = $1)
                    UNION ALL
                    SELECT parent.run_id, walk.depth + 1,
                        (SELECT original_run_id FROM run_lineage WHERE new_run_id = parent.run_id)
                    FROM walk
                    CROSS JOIN LATERAL (
                        SELECT run_id FROM replays WHERE new_run_id = walk.run ORDER BY created_at LIMIT 1
                    ) parent
                    WHERE walk.root IS NULL AND walk.depth < 64 AND parent.run_id <> walk.run
                )
                SELECT COALESCE(root, run) FROM walk ORDER BY depth DESC LIMIT 1
                """,
                binds
            )
            guard let row = rows.first else { return runID }
            return try PostgresColumns(row: PostgresRandomAccessRow(row)).value(0, "run_lineage.original_run_id")
        }
    }

    /// See `WebhookDeliveryStore.releaseAutomaticReplay`.
    public func releaseAutomaticReplay(source: String, originalRunID: String) async throws(StoreError) {
        try await write("releasing an automatic replay") { connection, logger in
            var binds = PostgresBindings()
            binds.append(source)
            binds.append(originalRunID)
            try await Self.rows(
                connection,
                logger,
                """
                UPDATE automatic_replays SET count = count - 1
                WHERE source = $1 AND original_run_id = $2 AND count > 0
                """,
                binds
            )
        }
    }

    /// See `WebhookDeliveryStore.recordLineage`: lineage always points at the root.
    public func recordLineage(newRunID: String, originalRunID: String, at now: Int64) async throws(StoreError) {
        try await write("recording a run's lineage") { connection, logger in
            var binds = PostgresBindings()
            binds.append(newRunID)
            binds.append(originalRunID)
            binds.append(now)
            try await Self.rows(
                connection,
                logger,
                """
                INSERT INTO run_lineage (new_run_id, original_run_id, created_at)
                VALUES ($1, COALESCE((SELECT original_run_id FROM run_lineage WHERE new_run_id = $2), $2), $3)
                ON CONFLICT (new_run_id) DO NOTHING
                """,
                binds
            )
        }
    }

    /// See `WebhookDeliveryStore.pruneDeliveries`.
    public func pruneDeliveries(receivedBefore cutoff: Int64) async throws(StoreError) -> Int {
        try await write("pruning webhook deliveries") { connection, logger in
            var binds = PostgresBindings()
            binds.append(cutoff)
            return try await Self.rows(
                connection,
                logger,
                "DELETE FROM webhook_deliveries WHERE received_at < $1 AND reply_done RETURNING 1",
                binds
            ).count
        }
    }
}
