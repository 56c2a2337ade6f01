import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The durable, tamper-evident audit log: records are sealed into the keyed hash chain, appended to segment files
/// with group commit, and covered by signed checkpoints.
///
/// ``record(_:)`` returns once the record is durable. Records from concurrent callers are queued; one writer thread
/// takes up to `groupCommitMaxRecords` of them (or what arrived within `groupCommitWait` of the first), seals them in
/// order, writes them with one `write` and makes them durable with one `fdatasync`, then resumes every caller.
///
/// The log never crashes the daemon. When the directory cannot be opened, or a write or sync fails, it is
/// *degraded*: ``status`` says why and every record fails at once with ``AuditError/Code/degraded`` until ``run()``
/// (every `maintenanceInterval`) reopens it from disk; after a failed write of records, only once a probe write of
/// 64 KiB in the directory succeeds (on a full disk, reopening alone would succeed and report a log it cannot
/// write as healthy). While free space is below `minFreeBytes` records fail with
/// ``AuditError/Code/diskFull``; that is checked before every batch, so writing resumes by itself.
///
/// Run it as a `Service` (in a `ServiceGroup`, listed before the services that record, so it stops after them):
/// ``run()`` does the periodic work (age rotation, retention, interval checkpoints, recovery) and, at graceful
/// shutdown, drains the queue, writes a last checkpoint and closes. Records after that fail with
/// ``AuditError/Code/closed``.
public final class AuditLog: AuditSink, Service {
    private let queue: AuditWriteQueue
    private let clock: any AuditClock
    private let maintenanceInterval: Duration
    private let logger: Logger

    /// Opens the log in `configuration.directory` (creating it when missing, repairing a torn tail) and starts its
    /// writer thread. Never throws: a log that cannot be opened starts degraded (see ``status``). It blocks while it
    /// opens: it reads the last segment and checks its last MiB of records.
    ///
    /// - Parameters:
    ///   - configuration: where and how to write.
    ///   - clock: wall time for `ts`, ages and retention; monotonic time for the checkpoint interval; the sleep
    ///     between maintenance passes.
    ///   - diskSpace: the free-space probe checked before every batch.
    ///   - writeFaults: failures to inject under the writer's writes (tests only; the default injects none).
    ///   - logger: where the log reports opening, repairs, rotations, pruning and failures (never a record).
    public init(
        configuration: AuditLogConfiguration,
        clock: any AuditClock = SystemAuditClock(),
        diskSpace: any AuditDiskSpace = SystemAuditDiskSpace(),
        writeFaults: any AuditWriteFaults = NoAuditWriteFaults(),
        logger: Logger
    ) {
        let queue = AuditWriteQueue(
            published: AuditWriteQueue.Published(
                status: AuditStatus(writable: false, degradedReason: "the audit log is not open", head: .empty)
            ),
            maxRecords: configuration.groupCommitMaxRecords,
            wait: configuration.groupCommitWait
        )
        let writer = AuditSegmentWriter(
            configuration: configuration,
            clock: clock,
            diskSpace: diskSpace,
            writeFaults: writeFaults,
            logger: logger,
            queue: queue
        )
        writer.open()
        queue.setWriterRunning(true)
        let error = AuditWriterThread.start(writer)
        if error != 0 {
            queue.setWriterRunning(false)
            writer.degrade("cannot start the audit writer thread: \(String(cString: strerror(error)))")
            writer.publish()
        }
        self.queue = queue
        self.clock = clock
        self.maintenanceInterval = max(configuration.maintenanceInterval, .milliseconds(1))
        self.logger = logger
    }

    deinit {
        queue.close(waiter: nil)
    }

    /// Appends `record` and returns once it is durable.
    ///
    /// - Throws: ``AuditError`` — `.degraded` or `.closed` at once; `.diskFull` when free space is below the floor;
    ///   `.io` when its batch could not be written or synced (the log is then degraded).
    public func record(_ record: AuditRecord) async throws(AuditError) {
        let outcome = await withCheckedContinuation { (continuation: Waiter) in
            queue.enqueue(record) { continuation.resume(returning: $0) }
        }
        try outcome.get()
    }

    /// Appends `record` and returns at once; `completion` runs on the writer thread once the record's group
    /// commit is durable or has failed (with the same errors as ``record(_:)``), so it must not block.
    public func append(_ record: AuditRecord, completion: @escaping @Sendable (Result<Void, AuditError>) -> Void) {
        queue.enqueue(record, completion: completion)
    }

    private typealias Waiter = CheckedContinuation<Result<Void, AuditError>, Never>

    /// Appends a record that opens new work (a replay request arriving) and returns once it is durable. Unlike
    /// ``record(_:)`` it is refused with ``AuditError/Code/diskFull`` while the log cannot keep
    /// `reserveBytes` allocated past the segment's end: on a full disk new work is refused at once, before anything
    /// is done for it, while the records of work already under way still fit in the reserve.
    public func recordOpening(_ record: AuditRecord) async throws(AuditError) {
        let outcome = await withCheckedContinuation { (continuation: Waiter) in
            queue.enqueue(record, opensWork: true) { continuation.resume(returning: $0) }
        }
        try outcome.get()
    }

    /// The log's health now.
    public var status: AuditStatus { queue.snapshot.status }

    /// What the log has done since it was opened.
    public var statistics: AuditLogStatistics { queue.snapshot.statistics }

    /// Signs the current head and appends the checkpoint to `checkpoints.jsonl`, durably.
    ///
    /// - Throws: ``AuditError`` — `.degraded` or `.closed` when the log cannot; `.io` when the checkpoint could not
    ///   be signed or made durable.
    public func checkpointNow() async throws(AuditError) {
        let outcome = await withCheckedContinuation { (continuation: Waiter) in
            if let refusal = queue.submit(.checkpoint({ continuation.resume(returning: $0) })) {
                continuation.resume(returning: .failure(refusal))
            }
        }
        try outcome.get()
    }

    /// One maintenance pass, now: reopens a degraded log, notices that a full disk has space again, rotates a
    /// segment older than `maxSegmentAge`, prunes segments older than `retention`, and signs a checkpoint when
    /// `checkpointInterval` has passed and the head has moved. ``run()`` calls it every `maintenanceInterval`.
    public func maintain() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            if queue.submit(.maintain(done)) != nil { done.resume() }
        }
    }

    /// Stops taking records, writes those already queued, signs a last checkpoint and closes the segment.
    /// Returns once that is done. Idempotent.
    public func close() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            queue.close(waiter: done)
        }
    }

    /// Maintains the log every `maintenanceInterval` until graceful shutdown or cancellation, then closes it
    /// (see ``close()``). Never throws.
    public func run() async throws {
        let clock = self.clock
        let interval = maintenanceInterval
        _ = await cancelWhenGracefulShutdown { [self] in
            while !Task.isCancelled {
                do {
                    try await clock.sleep(for: interval)
                } catch {
                    return
                }
                await self.maintain()
            }
        }
        await close()
        logger.debug("audit log service stopped")
    }
}
