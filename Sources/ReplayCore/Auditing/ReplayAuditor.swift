import Audit
import Logging
import Synchronization

/// Turns the pipeline's decisions into audit records: what each stage tells the ``AuditSink``, with secrets
/// replaced by keyed hashes (idempotency keys) and floods of denials aggregated.
///
/// Stages of a replay request (kind `replay`):
/// - `received`: written and synced before the key is claimed, so before anything can reach Strait;
/// - `attempt`: each upstream attempt's request id, status and outcome class;
/// - `outcome`: the replay record reached a final state (`succeeded`, `failed`, `indeterminate`), written before
///   that state is committed, so no caller is told an outcome the log lacks;
/// - `answered`: the caller was answered from an existing record or not yet (`idempotent_replay`, `in_progress`,
///   `key_reused`, `pending`, `rejected`).
public final class ReplayAuditor: Sendable {
    let sink: any AuditSink
    let key: AuditKey
    private let clock: any ReplayClock
    private let denials: Mutex<DenialAggregator>
    private let logger: Logger
    /// Where this auditor counts (and where doors count what is not an audit event); `nil` counts nothing.
    public let metrics: ReplaydMetrics?

    /// Creates an auditor.
    ///
    /// - Parameters:
    ///   - key: hashes idempotency keys and delivery ids (the same key `replayd audit hash-value` takes).
    ///   - denialInterval: denials from one source for one reason are recorded once per interval, then counted.
    ///   - metrics: counts every denial as it happens (the log aggregates floods); `nil` counts nothing.
    public init(
        sink: any AuditSink,
        key: AuditKey,
        clock: any ReplayClock,
        denialInterval: Duration = .seconds(60),
        logger: Logger,
        metrics: ReplaydMetrics? = nil
    ) {
        self.sink = sink
        self.key = key
        self.clock = clock
        self.denials = Mutex(DenialAggregator(interval: ReplayEngine.milliseconds(denialInterval)))
        self.logger = logger
        self.metrics = metrics
    }

    /// The log's health.
    public var status: AuditStatus { sink.status }

    /// The keyed hash of a value that must not be stored.
    public func hashValue(_ value: String) -> String { key.hashValue(value) }

    /// The actor a principal stands for.
    public static func actor(_ principal: Principal) -> AuditRecord.Actor {
        switch principal.authentication {
        case .unixPeer(let peer, let matchedBy):
            return AuditRecord.Actor(
                kind: "uds",
                principal: principal.name,
                auth: "unix_peer:\(matchedBy)",
                uid: Int64(peer.uid),
                gid: Int64(peer.gid),
                pid: Int64(peer.pid)
            )
        case .webhook(_, let matchedBy):
            return AuditRecord.Actor(kind: "webhook", principal: principal.name, auth: matchedBy)
        case .token(let id):
            return tokenActor(id: id, principal: principal.name)
        }
    }

    /// The actor of a team door request: the token's id (never the token) and its principal, when known.
    public static func tokenActor(id: String?, principal: String?) -> AuditRecord.Actor {
        AuditRecord.Actor(kind: "token", principal: principal, auth: id.map { "token:\($0)" })
    }

    /// Records a team token's creation or revocation (kind `operator`, stage `token`): its id, principal, expiry
    /// and note, and who did it; never the token. Durable when it returns.
    public func tokenChange(_ change: TeamTokenChange) async throws(AuditError) {
        let record = change.record
        let by = change.action == .created ? record.createdBy : (record.revokedBy ?? "-")
        var details: [(String, AuditJSON)] = [
            ("token_id", .string(record.id)), ("principal", .string(record.principal)),
        ]
        if let expiresAt = record.expiresAt { details.append(("expires_at_ms", .int(expiresAt))) }
        if let note = record.note { details.append(("note", .string(note))) }
        try await sink.record(
            AuditRecord(
                kind: .operator,
                stage: "token",
                door: by.hasPrefix("cli:") ? "cli" : "socket",
                actor: AuditRecord.Actor(kind: "operator", principal: by),
                decision: change.action.rawValue,
                reason: "team token \(record.id) for \(record.principal)",
                details: details
            )
        )
    }

    /// The actor of an unmapped socket peer.
    public static func actor(_ peer: PeerCredentials) -> AuditRecord.Actor {
        AuditRecord.Actor(kind: "uds", uid: Int64(peer.uid), gid: Int64(peer.gid), pid: Int64(peer.pid))
    }

    /// Records that a request arrived; durable when it returns. It opens new work, so a log short of space for the
    /// records that work would add refuses it (``AuditSink/recordOpening(_:)``).
    func received(
        _ request: ReplayRequest,
        key idempotencyKey: String,
        principal: Principal
    ) async throws(AuditError) {
        try await sink.recordOpening(
            AuditRecord(
                kind: .replay,
                stage: "received",
                door: request.origin.door.rawValue,
                source: request.origin.source,
                actor: Self.actor(principal),
                requestID: request.origin.requestID,
                runID: request.runID.rawValue,
                fromCheckpoint: request.fromCheckpoint?.value,
                force: request.force,
                idempotencyKeyHash: key.hashValue(idempotencyKey),
                decision: "accepted",
                reason: request.idempotencyKey == nil ? "key generated" : "key from \(request.keySource.rawValue)",
                details: Self.details(request.authorization)
            )
        )
    }

    /// The grant that allowed a replay, and the run lookup it needed (`run_lookup`: `upstream` or `cache`).
    static func details(_ authorization: ReplayAuthorization?) -> [(String, AuditJSON)] {
        guard let authorization else { return [] }
        var details: [(String, AuditJSON)] = []
        if let grant = authorization.grant { details.append(("grant", .string(grant))) }
        if let run = authorization.run {
            details.append(("run_project", .string(run.projectID)))
            details.append(("run_job", .string(run.jobID)))
        }
        if let cached = authorization.runCached {
            details.append(("run_lookup", .string(cached ? "cache" : "upstream")))
        }
        return details
    }

    /// Records how a caller was answered when it is not a record's own final outcome. Best effort: the answer is
    /// a read of what is already decided, so a failure is logged, not fatal.
    func answered(
        _ request: ReplayRequest,
        key idempotencyKey: String,
        principal: Principal,
        decision: String,
        reason: String?,
        record: ReplayRecord?,
        receivedAt: Duration
    ) async {
        let latency = clock.monotonicNow() - receivedAt
        let entry = AuditRecord(
            kind: .replay,
            stage: "answered",
            door: request.origin.door.rawValue,
            actor: Self.actor(principal),
            requestID: request.origin.requestID,
            runID: request.runID.rawValue,
            idempotencyKeyHash: key.hashValue(idempotencyKey),
            decision: decision,
            reason: reason,
            newRunID: record?.newRunID,
            latencyMicroseconds: ReplayEngine.milliseconds(latency) * 1000
        )
        do {
            try await sink.record(entry)
        } catch {
            logger.error("audit log could not record an answer", metadata: ["error": "\(error)"])
        }
    }

    /// Records one upstream attempt's result.
    func attempt(
        _ record: ReplayRecord,
        number: Int,
        outcome: AttemptOutcome,
        status: Int?,
        detail: String?
    ) async throws(AuditError) {
        let recorded = record.attempts.first { $0.number == number }
        let requestID = recorded?.requestID ?? "\(record.requestID)-\(number)"
        // From recording the attempt (just before sending) to its result: the upstream latency as replayd saw it.
        let latency = recorded.map { max(0, clock.wallNowMilliseconds() - $0.recordedAt) * 1000 }
        try await sink.record(
            AuditRecord(
                kind: .replay,
                stage: "attempt",
                door: record.door,
                actor: AuditRecord.Actor(kind: "system", principal: record.principal),
                requestID: record.requestID,
                runID: record.runID,
                idempotencyKeyHash: key.hashValue(record.key),
                reason: detail,
                attempt: AuditRecord.Attempt(requestID: requestID, status: status, outcome: outcome.rawValue),
                latencyMicroseconds: latency
            )
        )
    }

    /// Records that `record` reaches the final state in `change` (before the change is committed).
    func outcome(_ record: ReplayRecord, change: RecordChange, at now: Int64) async throws(AuditError) {
        guard let state = change.state else { return }
        try await sink.record(
            AuditRecord(
                kind: .replay,
                stage: "outcome",
                door: record.door,
                actor: AuditRecord.Actor(kind: "system", principal: record.principal),
                requestID: record.requestID,
                runID: record.runID,
                fromCheckpoint: record.fromCheckpoint,
                force: record.force,
                idempotencyKeyHash: key.hashValue(record.key),
                decision: state.rawValue,
                reason: change.errorCode ?? change.resolution
                    ?? (record.coalescedFrom.map { "coalesced into \(key.hashValue($0.key))" }),
                newRunID: change.newRunID ?? record.newRunID,
                latencyMicroseconds: max(0, now - record.createdAt) * 1000
            )
        )
    }

    /// Records an operator's action on a replay; durable when it returns.
    func operatorAction(
        _ record: ReplayRecord,
        action: String,
        by who: String,
        reason: String?
    ) async throws(AuditError) {
        try await sink.record(
            AuditRecord(
                kind: .operator,
                stage: "resolve",
                door: "socket",
                actor: AuditRecord.Actor(kind: "operator", principal: who),
                requestID: record.requestID,
                runID: record.runID,
                idempotencyKeyHash: key.hashValue(record.key),
                decision: action,
                reason: reason
            )
        )
    }

    /// Records `record` (``webhookRecord(stage:door:source:actor:requestID:deliveryID:runID:decision:reason:newRunID:body:details:)``)
    /// and returns once it is durable.
    public func record(_ record: AuditRecord) async throws(AuditError) {
        try await sink.record(record)
    }

    /// Appends `record` without waiting (``AuditSink/append(_:)``): a door that submits a replay next queues its
    /// own record ahead of the replay's `received` record, which the engine makes durable before anything is sent,
    /// and waits on the receipt before answering. One sync point for both records, not two in a row.
    public func append(_ record: AuditRecord) -> AuditReceipt {
        sink.append(record)
    }

    /// What replayd made of a webhook delivery that verified (stage `verified`: the key that matched, the delivery
    /// id as a keyed hash, the body's digest, the decision and why), or of a duplicate (stage `duplicate`), or of a
    /// reply posted afterwards (stage `follow_up`), for ``record(_:)`` or ``append(_:)``. A delivery is acted on
    /// only once its record is on disk.
    public func webhookRecord(
        stage: String,
        door: RequestOrigin.Door,
        source: String,
        actor: AuditRecord.Actor?,
        requestID: String?,
        deliveryID: String?,
        runID: String? = nil,
        decision: String,
        reason: String? = nil,
        newRunID: String? = nil,
        body: [UInt8]? = nil,
        details: [(String, AuditJSON)] = []
    ) -> AuditRecord {
        AuditRecord(
            kind: .webhook,
            stage: stage,
            door: door.rawValue,
            source: source,
            actor: actor,
            requestID: requestID,
            runID: runID,
            deliveryIDHash: deliveryID.map { key.hashValue($0) },
            decision: decision,
            reason: reason,
            newRunID: newRunID,
            body: body.map { AuditRecord.BodyDigest(bytes: $0) },
            details: details
        )
    }

    /// Counts one reconciliation round's result (`replayd_reconciliations_total`). Reconciliation is not an audit
    /// event of its own: the attempt and outcome records it leads to are.
    public func reconciled(_ result: ReconciliationResult) {
        metrics?.reconciled(result)
    }

    /// Records a request refused before the engine. The first denial per source and reason in an interval is
    /// recorded in full; the rest are counted and recorded as one `denials_aggregated` record when the interval
    /// ends, so a flood cannot fill the disk.
    public func denied(
        door: String,
        source: String,
        actor: AuditRecord.Actor?,
        requestID: String?,
        runID: String?,
        reason: String
    ) async {
        metrics?.denied(door: door, source: source, reason: reason)
        let now = clock.wallNowMilliseconds()
        let (recordThis, flushed) = denials.withLock {
            $0.note(DenialAggregator.Key(door: door, source: source, reason: reason), at: now)
        }
        var entries = flushed.map(Self.aggregatedRecord)
        if recordThis {
            entries.append(
                AuditRecord(
                    kind: .denial,
                    stage: "denied",
                    door: door,
                    source: source,
                    actor: actor,
                    requestID: requestID,
                    runID: runID,
                    decision: "denied",
                    reason: reason
                )
            )
        }
        await write(entries, what: "a denial")
    }

    /// Writes the aggregated records of intervals that have ended (the background flush).
    public func flushDenials(force: Bool = false) async {
        let now = clock.wallNowMilliseconds()
        let flushed = denials.withLock { $0.flush(at: now, force: force) }
        await write(flushed.map(Self.aggregatedRecord), what: "aggregated denials")
    }

    /// Records a lifecycle event (`start`, `stop`). Best effort.
    public func lifecycle(_ stage: String, details: [(String, AuditJSON)] = []) async {
        await write([AuditRecord(kind: .lifecycle, stage: stage, door: "system", details: details)], what: stage)
    }

    private func write(_ entries: [AuditRecord], what: String) async {
        for entry in entries {
            do {
                try await sink.record(entry)
            } catch {
                logger.error("audit log could not record \(what)", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    private static func aggregatedRecord(_ bucket: DenialAggregator.Flushed) -> AuditRecord {
        AuditRecord(
            kind: .denialsAggregated,
            stage: "denied",
            door: bucket.key.door,
            source: bucket.key.source,
            decision: "denied",
            reason: bucket.key.reason,
            count: Int64(bucket.count),
            details: [
                ("first_at_ms", .int(bucket.firstAt)), ("last_at_ms", .int(bucket.lastAt)),
                ("interval_ms", .int(bucket.interval)),
            ]
        )
    }
}
