import Crypto
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The audit log's files and chain, owned by the writer thread alone: the segment being written, the chain head,
/// the last checkpoint, and the log's health. Callers reach it only through ``AuditWriteQueue``.
///
/// Invariant: ``chain`` is the head of the last record made durable, and ``durableSize`` the segment's length up to
/// it. A batch is sealed on a copy of the chain and becomes the head only once its `write` and `fdatasync` have both
/// succeeded, so `seq` has no gaps whatever fails.
final class AuditSegmentWriter {
    /// Why the log is not writable.
    enum Failure {
        /// An open, write or sync failed: records are refused until a maintenance pass reopens the log.
        case degraded(String)
        /// Free space is below the floor: checked again before every batch, so writing resumes by itself.
        case diskFull(String)

        var reason: String {
            switch self {
            case .degraded(let reason), .diskFull(let reason): return reason
            }
        }
    }

    /// A batch sealed on a copy of the chain, not yet written.
    struct Prepared {
        var bytes: [UInt8]
        var chain: AuditChain
        var count: Int
        var firstUnixNanoseconds: Int64
    }

    let configuration: AuditLogConfiguration
    let clock: any AuditClock
    let diskSpace: any AuditDiskSpace
    let writeFaults: any AuditWriteFaults
    let logger: Logger
    let queue: AuditWriteQueue
    let signingKey: Curve25519.Signing.PrivateKey

    /// The segment being written (`nil` while degraded or closed).
    var segment: AuditSegmentFile?
    var segmentName: String?
    var durableSize: Int64 = 0
    var chain: AuditChain
    /// The `ts` of the current segment's first record.
    var segmentFirstUnixNanoseconds: Int64?
    var failure: Failure? = .degraded("the audit log is not open")
    /// Set when a write or sync of records failed: the log is reopened only after a probe write in its directory
    /// succeeds (see ``probeWrite()``). Reopening alone would succeed on a full disk, report the log writable and
    /// accept records it cannot write.
    var writeFailed = false
    /// Where the space reserved past the segment's end ends (0: nothing known to be reserved).
    var reservedEnd: Int64 = 0
    /// Why the reserve cannot be kept (the disk is full): records that open new work are refused, and the log
    /// reports itself unwritable, while records of work under way go into what is reserved.
    var reserveShortfall: String?
    /// The reason last logged at error level, so that a failing retry every second logs once.
    var loggedFailure: String?
    /// The head the last checkpoint signed, and when (monotonic).
    var checkpointed: AuditChain.Head?
    var checkpointMonotonic: Duration = .zero
    var statistics = AuditLogStatistics()
    /// Closed segments already read, by name (closed segments do not change).
    var summaries: [String: AuditSegmentSummary] = [:]
    var closed = false

    init(
        configuration: AuditLogConfiguration,
        clock: any AuditClock,
        diskSpace: any AuditDiskSpace,
        writeFaults: any AuditWriteFaults = NoAuditWriteFaults(),
        logger: Logger,
        queue: AuditWriteQueue
    ) {
        self.configuration = configuration
        self.clock = clock
        self.diskSpace = diskSpace
        self.writeFaults = writeFaults
        self.logger = logger
        self.queue = queue
        self.signingKey = configuration.signingKey
        self.chain = AuditChain(key: configuration.key, instance: configuration.instance)
    }

    var directory: String { configuration.directory }

    func path(_ name: String) -> String { directory + "/" + name }

    var isDegraded: Bool {
        if case .degraded = failure { return true }
        return false
    }

    // MARK: Health

    /// What callers see now.
    var published: AuditWriteQueue.Published {
        let status = AuditStatus(
            writable: failure == nil && segment != nil && reserveShortfall == nil,
            degradedReason: closed ? "the audit log is closed" : failure?.reason ?? reserveShortfall,
            head: chain.head,
            segment: segmentName,
            checkpointSize: checkpointed?.seq
        )
        var refusal: AuditError?
        if closed {
            refusal = AuditError(.closed, "the audit log is closed")
        } else if case .degraded(let reason) = failure {
            refusal = AuditError(.degraded, reason)
        }
        return AuditWriteQueue.Published(status: status, statistics: statistics, refusal: refusal)
    }

    func publish() {
        queue.publish(published)
    }

    /// Marks the log degraded: the segment is closed and records are refused until ``maintain()`` reopens it.
    func degrade(_ reason: String) {
        segment?.close()
        segment = nil
        failure = .degraded(reason)
        if loggedFailure != reason {
            loggedFailure = reason
            logger.error("audit log degraded", metadata: ["reason": "\(reason)"])
        }
    }

    /// Clears a failure once writing works again.
    func recovered() {
        guard let failure else { return }
        self.failure = nil
        if loggedFailure != nil {
            logger.notice("audit log writable again", metadata: ["was": "\(failure.reason)"])
        }
        loggedFailure = nil
    }

    // MARK: Committing

    /// Seals `records`, in order, after the durable head, on a copy of the chain.
    func prepare(_ records: [AuditRecord]) -> Prepared {
        var next = chain
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.count * 512)
        var first: Int64 = 0
        for (index, record) in records.enumerated() {
            let now = clock.unixNanoseconds()
            if index == 0 { first = now }
            bytes.append(contentsOf: next.seal(record, unixNanoseconds: now).line)
        }
        return Prepared(bytes: bytes, chain: next, count: records.count, firstUnixNanoseconds: first)
    }

    /// Writes a prepared batch with one `write` and one `fdatasync`, then makes it the head.
    ///
    /// - Throws: ``AuditError/Code/degraded`` when no segment is open; ``AuditError/Code/io`` when the write or the
    ///   sync fails, after cutting the segment back to its durable length (best effort) and degrading the log
    ///   until a probe write shows the directory writable again.
    func commit(_ prepared: Prepared) throws(AuditError) {
        guard let segment else { throw AuditError(.degraded, failure?.reason ?? "the audit log is not open") }
        do throws(AuditFiles.IOError) {
            if let code = writeFaults.failure(writing: prepared.bytes.count, to: segment.path) {
                errno = code
                throw AuditFiles.IOError.errno("cannot write", segment.path)
            }
            try segment.append(prepared.bytes)
            try segment.syncData()
        } catch {
            writeFailed = true
            let reason = "audit segment: \(error.description)"
            do {
                try segment.truncate(to: durableSize)
            } catch {
                logger.error("cannot cut the audit segment back", metadata: ["error": "\(error.description)"])
            }
            degrade(reason)
            throw AuditError(.io, reason)
        }
        if durableSize == 0 { segmentFirstUnixNanoseconds = prepared.firstUnixNanoseconds }
        durableSize += Int64(prepared.bytes.count)
        chain = prepared.chain
        statistics.records += Int64(prepared.count)
        statistics.batches += 1
        statistics.segmentSyncs += 1
        statistics.largestBatch = max(statistics.largestBatch, prepared.count)
    }

    /// Seals and commits the log's own `records`.
    func commit(_ records: [AuditRecord]) throws(AuditError) {
        try commit(prepare(records))
    }
}
