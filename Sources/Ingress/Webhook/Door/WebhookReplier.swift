import Audit
import Logging
import ReplayCore
import ServiceLifecycle
import Synchronization
import Webhooks

/// Finishes what the webhook door promised after its ack: once a replay settles, posts its outcome to Slack's
/// `response_url` or as a Discord follow-up (through the durable ``FollowUpOutbox`` and its worker, which retry),
/// or records which run an automatic replay created, so that run's own failure notification counts against the
/// original run's budget.
///
/// Replies owed are stored with their delivery (``WebhookDeliveryStore``), so a restart between the ack and the
/// outcome still reports it: ``run()`` picks them up again first.
public final class WebhookReplier: Service, Sendable {
    private let engine: ReplayEngine
    private let deliveries: any WebhookDeliveryStore
    private let outbox: FollowUpOutbox
    private let wakeWorker: @Sendable () -> Void
    private let clock: any ReplayClock
    private let pollInterval: Duration
    private let dedupTTL: Duration
    private let logger: Logger
    private let stream: AsyncStream<PendingReply>
    private let continuation: AsyncStream<PendingReply>.Continuation
    private let watching = Mutex<Set<DeliveryID>>([])

    /// Creates the replier.
    ///
    /// - Parameters:
    ///   - wakeWorker: nudges the follow-up worker after an enqueue (``FollowUpWorker/wake()``).
    ///   - pollInterval: how often a replay without a driver in this process is looked at again.
    ///   - dedupTTL: deliveries older than this are forgotten (checked every 10 minutes), unless a reply is owed.
    public init(
        engine: ReplayEngine,
        deliveries: any WebhookDeliveryStore,
        outbox: FollowUpOutbox,
        wakeWorker: @escaping @Sendable () -> Void,
        clock: any ReplayClock,
        pollInterval: Duration = .seconds(1),
        dedupTTL: Duration = .seconds(7 * 86_400),
        logger: Logger
    ) {
        self.dedupTTL = dedupTTL
        self.engine = engine
        self.deliveries = deliveries
        self.outbox = outbox
        self.wakeWorker = wakeWorker
        self.clock = clock
        self.pollInterval = pollInterval
        self.logger = logger
        (stream, continuation) = AsyncStream.makeStream(of: PendingReply.self)
    }

    /// Starts watching a reply (the door calls this right after storing its answer).
    public func watch(_ reply: PendingReply) {
        continuation.yield(reply)
    }

    /// Resumes the replies owed from before, then settles each new one until graceful shutdown. Unfinished
    /// replies stay owed in the store and are resumed at the next start.
    public func run() async throws {
        do {
            for reply in try await deliveries.pendingReplies(limit: 10_000) {
                continuation.yield(reply)
            }
        } catch {
            logger.error("cannot list the webhook replies owed", metadata: ["error": "\(error)"])
        }
        let stream = self.stream
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [continuation] in
                // Ends the stream when shutdown begins, so the loop below stops taking new replies.
                try? await gracefulShutdown()
                continuation.finish()
            }
            group.addTask { [self] in
                while !Task.isCancelled {
                    await self.pruneDeliveries()
                    do {
                        try await self.clock.sleep(for: .seconds(600))
                    } catch {
                        return
                    }
                }
            }
            for await reply in stream {
                let isNew = watching.withLock { $0.insert(reply.delivery).inserted }
                guard isNew else { continue }
                group.addTask { [self] in
                    await self.settle(reply)
                    _ = self.watching.withLock { $0.remove(reply.delivery) }
                }
            }
            group.cancelAll()
        }
    }

    /// Forgets deliveries older than the dedup TTL whose replies are done.
    func pruneDeliveries() async {
        let cutoff = clock.wallNowMilliseconds() - Int64(dedupTTL.components.seconds) * 1000
        do {
            let pruned = try await deliveries.pruneDeliveries(receivedBefore: cutoff)
            if pruned > 0 {
                logger.info("forgot old webhook deliveries", metadata: ["count": "\(pruned)"])
            }
        } catch {
            logger.error("cannot prune webhook deliveries", metadata: ["error": "\(error)"])
        }
    }

    /// Waits for the replay behind `reply` to settle, then does what the reply says. Public for tests that drive
    /// it directly.
    public func settle(_ reply: PendingReply) async {
        var logger = self.logger
        logger[metadataKey: "source"] = "\(reply.delivery.source)"
        logger[metadataKey: "reply"] = "\(reply.kind.rawValue)"
        let now = clock.wallNowMilliseconds()
        let record: ReplayRecord?
        do {
            record = try await engine.settledRecord(
                reply.record,
                limit: .milliseconds(max(0, reply.notAfter - now)),
                pollInterval: pollInterval
            )
        } catch {
            logger.error("cannot read the replay behind a webhook reply", metadata: ["error": "\(error)"])
            return
        }
        if Task.isCancelled { return }
        guard let record else {
            logger.warning("the replay behind a webhook reply no longer exists; dropping the reply")
            try? await deliveries.finishReply(reply.delivery)
            return
        }
        do {
            switch reply.kind {
            case .lineage:
                if let newRunID = record.newRunID {
                    try await deliveries.recordLineage(
                        newRunID: newRunID,
                        originalRunID: reply.runID,
                        at: clock.wallNowMilliseconds()
                    )
                    logger.info(
                        "automatic replay lineage recorded",
                        metadata: ["new_run_id": "\(newRunID)", "original_run_id": "\(reply.runID)"]
                    )
                }
            case .slack, .discord:
                try await enqueue(reply, summary: WebhookDoor.summary(record), logger: logger)
            }
            try await deliveries.finishReply(reply.delivery)
        } catch {
            logger.error(
                "could not finish a webhook reply; it is retried at the next start",
                metadata: ["error": "\(error)"]
            )
        }
    }

    private func enqueue(
        _ reply: PendingReply,
        summary: ReplayOutcomeSummary,
        logger: Logger
    ) async throws(ReplierError) {
        guard let destination = reply.destination else { return }
        let now = clock.wallNowMilliseconds()
        guard now < reply.notAfter else {
            logger.warning("the sender's reply window closed before the replay settled; no follow-up is posted")
            return
        }
        let kind: FollowUpKind = reply.kind == .slack ? .slackResponseURL : .discordFollowUp
        let body = reply.kind == .slack ? SlackRenderer.finalMessage(summary) : DiscordRenderer.followUp(summary)
        let followUp = FollowUp(
            id: "\(reply.delivery.source):\(reply.delivery.id)",
            kind: kind,
            destination: destination,
            body: body,
            conversation: "\(reply.kind.rawValue):\(reply.delivery.source):\(reply.delivery.id)",
            createdAt: now,
            notAfter: reply.notAfter
        )
        do {
            _ = try await outbox.enqueue(followUp)
        } catch {
            throw ReplierError(message: "\(error)")
        }
        logger.info("follow-up queued", metadata: ["state": "\(summary.state.rawValue)"])
        wakeWorker()
    }
}

/// A reply that could not be queued.
struct ReplierError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
