import Foundation
import GRDB

extension SQLiteReplayStore: WebhookDeliveryStore {
    // The statements a delivery runs, prepared once per connection (`cachedStatement`), not compiled per delivery.
    static let claimDeliverySQL = """
        INSERT INTO webhook_deliveries (source, delivery_id, received_at) VALUES (?, ?, ?)
        ON CONFLICT (source, delivery_id) DO NOTHING
        """
    static let deliveryAnswerSQL = """
        SELECT answer_status, answer_type, answer_body FROM webhook_deliveries
        WHERE source = ? AND delivery_id = ?
        """
    static let answerDeliverySQL = """
        UPDATE webhook_deliveries SET answer_status = ?, answer_type = ?, answer_body = ?,
            reply_kind = ?, reply_principal = ?, reply_key = ?, reply_run_id = ?,
            reply_destination = ?, reply_not_after = ?, reply_done = ?
        WHERE source = ? AND delivery_id = ?
        """
    static let releaseDeliverySQL = """
        DELETE FROM webhook_deliveries
        WHERE source = ? AND delivery_id = ? AND answer_status IS NULL
        """
    static let finishReplySQL = "UPDATE webhook_deliveries SET reply_done = 1 WHERE source = ? AND delivery_id = ?"
    static let automaticReplaysSQL =
        "SELECT count, last_at FROM automatic_replays WHERE source = ? AND original_run_id = ?"
    static let reserveAutomaticReplaySQL = """
        INSERT INTO automatic_replays (source, original_run_id, count, last_at) VALUES (?, ?, 1, ?)
        ON CONFLICT (source, original_run_id) DO UPDATE SET count = count + 1, last_at = excluded.last_at
        """
    static let releaseAutomaticReplaySQL = """
        UPDATE automatic_replays SET count = count - 1
        WHERE source = ? AND original_run_id = ? AND count > 0
        """
    static let lineageRootSQL = "SELECT original_run_id FROM run_lineage WHERE new_run_id = ?"
    static let replayedFromSQL = "SELECT run_id FROM replays WHERE new_run_id = ? ORDER BY created_at LIMIT 1"
    static let recordLineageSQL = """
        INSERT INTO run_lineage (new_run_id, original_run_id, created_at) VALUES (?, ?, ?)
        ON CONFLICT (new_run_id) DO NOTHING
        """

    /// See `WebhookDeliveryStore.claimDelivery`: committed without a sync of its own (see the protocol).
    public func claimDelivery(_ delivery: DeliveryID, at time: Int64) async throws(StoreError) -> DeliveryClaim {
        try await write("claiming a webhook delivery", durability: .withNextSync) { db in
            try db.cachedStatement(sql: Self.claimDeliverySQL).execute(arguments: [delivery.source, delivery.id, time])
            guard db.changesCount == 0 else { return .new }
            let row = try Row.fetchOne(
                db.cachedStatement(sql: Self.deliveryAnswerSQL),
                arguments: [delivery.source, delivery.id]
            )
            // Columns by index, in the order of `deliveryAnswerSQL`.
            guard let row, let status = row[0] as Int? else { return .unanswered }
            let body: Data? = row[2]
            return .answered(
                DeliveryAnswer(
                    status: status,
                    contentType: row[1] ?? "application/json",
                    body: body.map { [UInt8]($0) } ?? []
                )
            )
        }
    }

    /// See `WebhookDeliveryStore.answerDelivery`: synced when it owes a reply, otherwise on disk with the next
    /// sync (see the protocol).
    public func answerDelivery(
        _ delivery: DeliveryID,
        answer: DeliveryAnswer,
        reply: PendingReply?
    ) async throws(StoreError) {
        try await write("storing a webhook answer", durability: reply == nil ? .withNextSync : .synced) { db in
            try db.cachedStatement(sql: Self.answerDeliverySQL).execute(arguments: [
                answer.status, answer.contentType, Data(answer.body),
                reply?.kind.rawValue, reply?.record.principal, reply?.record.key, reply?.runID,
                reply?.destination, reply?.notAfter, reply == nil ? 1 : 0,
                delivery.source, delivery.id,
            ])
            guard db.changesCount == 1 else {
                throw StoreError(.notFound, "webhook delivery \(delivery.source) was not claimed")
            }
        }
    }

    /// See `WebhookDeliveryStore.releaseDelivery`: on disk with the next sync (see the protocol).
    public func releaseDelivery(_ delivery: DeliveryID) async throws(StoreError) {
        try await write("releasing a webhook delivery", durability: .withNextSync) { db in
            try db.cachedStatement(sql: Self.releaseDeliverySQL).execute(arguments: [delivery.source, delivery.id])
        }
    }

    public func pendingReplies(limit: Int) async throws(StoreError) -> [PendingReply] {
        try await read("listing pending webhook replies") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT source, delivery_id, reply_kind, reply_principal, reply_key, reply_run_id,
                        reply_destination, reply_not_after
                    FROM webhook_deliveries WHERE reply_done = 0 ORDER BY received_at LIMIT ?
                    """,
                arguments: [limit]
            )
            return rows.compactMap { row -> PendingReply? in
                guard let kindName = row["reply_kind"] as String?, let kind = PendingReply.Kind(rawValue: kindName),
                    let principal = row["reply_principal"] as String?, let key = row["reply_key"] as String?,
                    let runID = row["reply_run_id"] as String?
                else { return nil }
                return PendingReply(
                    delivery: DeliveryID(source: row["source"], id: row["delivery_id"]),
                    kind: kind,
                    record: ReplayRecordID(principal: principal, key: key),
                    runID: runID,
                    destination: row["reply_destination"],
                    notAfter: row["reply_not_after"] ?? 0
                )
            }
        }
    }

    public func finishReply(_ delivery: DeliveryID) async throws(StoreError) {
        try await write("finishing a webhook reply") { db in
            try db.cachedStatement(sql: Self.finishReplySQL).execute(arguments: [delivery.source, delivery.id])
        }
    }

    public func reserveAutomaticReplay(
        source: String,
        originalRunID: String,
        at time: Int64,
        decide: @escaping @Sendable (_ count: Int, _ lastAt: Int64?) -> Bool
    ) async throws(StoreError) -> Bool {
        try await write("reserving an automatic replay") { db in
            let row = try Row.fetchOne(
                db.cachedStatement(sql: Self.automaticReplaysSQL),
                arguments: [source, originalRunID]
            )
            let count: Int = row?[0] ?? 0
            let lastAt: Int64? = row?[1]
            guard decide(count, lastAt) else { return false }
            try db.cachedStatement(sql: Self.reserveAutomaticReplaySQL).execute(arguments: [
                source, originalRunID, time,
            ])
            return true
        }
    }

    public func originalRun(of runID: String) async throws(StoreError) -> String {
        try await read("looking up a run's lineage") { db in
            // Walk back through the runs replays created: the lineage table (automatic replays, recorded once they
            // settle), else the replay record that created the run (committed as soon as Strait answered, so a
            // run that fails at once is still traced to its original). Bounded, in case of a cycle.
            var current = runID
            for _ in 0..<64 {
                if let root = try String.fetchOne(db.cachedStatement(sql: Self.lineageRootSQL), arguments: [current]) {
                    return root
                }
                guard
                    let parent = try String.fetchOne(
                        db.cachedStatement(sql: Self.replayedFromSQL),
                        arguments: [current]
                    ), parent != current
                else { return current }
                current = parent
            }
            return current
        }
    }

    public func releaseAutomaticReplay(source: String, originalRunID: String) async throws(StoreError) {
        try await write("releasing an automatic replay") { db in
            try db.cachedStatement(sql: Self.releaseAutomaticReplaySQL).execute(arguments: [source, originalRunID])
        }
    }

    public func recordLineage(newRunID: String, originalRunID: String, at now: Int64) async throws(StoreError) {
        try await write("recording a run's lineage") { db in
            // Lineage always points at the root, so one lookup finds it however long the chain grows.
            let root =
                try String.fetchOne(db.cachedStatement(sql: Self.lineageRootSQL), arguments: [originalRunID])
                ?? originalRunID
            try db.cachedStatement(sql: Self.recordLineageSQL).execute(arguments: [newRunID, root, now])
        }
    }

    public func pruneDeliveries(receivedBefore cutoff: Int64) async throws(StoreError) -> Int {
        try await write("pruning webhook deliveries") { db in
            try db.execute(
                sql: "DELETE FROM webhook_deliveries WHERE received_at < ? AND reply_done = 1",
                arguments: [cutoff]
            )
            return db.changesCount
        }
    }
}
