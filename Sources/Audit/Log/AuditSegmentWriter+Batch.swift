#if canImport(Glibc)
import Glibc
#endif

extension AuditSegmentWriter {
    /// One group commit: writes `batch` (rotating first when the segment is too old or would grow too large),
    /// publishes the new health, resumes every waiter with the outcome, then signs a checkpoint when one is due.
    /// Records that open new work are refused first, at once, when the space reserved past the segment's end
    /// cannot be kept (see ``ensureReserve()``); the rest of the batch is written into what is reserved.
    func write(_ batch: [AuditWriteQueue.Pending]) {
        // One look at the disk per group commit, for the reserve and the floor alike.
        let free = diskSpace.freeBytes(atPath: directory)
        var accepted = batch
        if batch.contains(where: \.opensWork), let refusal = ensureReserve(free: free) {
            accepted = batch.filter { !$0.opensWork }
            for pending in batch where pending.opensWork { pending.completion(.failure(refusal)) }
        }
        guard !accepted.isEmpty else {
            publish()
            return
        }
        let outcome = writeRecords(accepted.map(\.record), free: free)
        publish()
        for pending in accepted { pending.completion(outcome) }
        if case .success = outcome { checkpointIfCountReached() }
    }

    /// Checks that new work may start: the disk still has `reserveBytes` free (`free`, when the probe can tell), and that
    /// much stays allocated past the durable end of the segment (topped up to twice that once less is left), so
    /// the records of the work it opens fit even if the disk fills up meanwhile. Returns the refusal for records
    /// that open new work when not; clears an earlier shortfall once space is back. A file system without
    /// `fallocate` reserves nothing (a full disk then shows up as a failed write).
    func ensureReserve(free: Int64?) -> AuditError? {
        let wanted = configuration.reserveBytes
        guard wanted > 0, let segment else { return nil }
        if let free, free < wanted {
            return shortOfReserve(
                "free space in \(directory) is \(free) bytes, less than the \(wanted) bytes new replays need"
            )
        }
        if reservedEnd - durableSize < wanted {
            let code = segment.reserve(offset: durableSize, length: 2 * wanted)
            switch code {
            case 0:
                reservedEnd = durableSize + 2 * wanted
            case EOPNOTSUPP, ENOSYS:
                reservedEnd = .max
            default:
                return shortOfReserve(
                    "cannot reserve \(wanted) bytes in \(directory): \(String(cString: strerror(code)))"
                )
            }
        }
        if let shortfall = reserveShortfall {
            logger.notice("audit log has space for new replays again", metadata: ["was": "\(shortfall)"])
            reserveShortfall = nil
        }
        return nil
    }

    private func shortOfReserve(_ reason: String) -> AuditError {
        if reserveShortfall != reason {
            logger.error("audit log refusing new replays: disk full", metadata: ["reason": "\(reason)"])
        }
        reserveShortfall = reason
        return AuditError(.diskFull, reason)
    }

    private func writeRecords(_ records: [AuditRecord], free: Int64?) -> Result<Void, AuditError> {
        if closed { return .failure(AuditError(.closed, "the audit log is closed")) }
        if case .degraded(let reason) = failure { return .failure(AuditError(.degraded, reason)) }
        if let refusal = checkFreeSpace(free: free) { return .failure(refusal) }
        do {
            if segmentIsOld() { try rotate(because: "age") }
            var prepared = prepare(records)
            if durableSize > 0, durableSize + Int64(prepared.bytes.count) > configuration.maxSegmentBytes {
                try rotate(because: "size")
                prepared = prepare(records)
            }
            try commit(prepared)
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// Refuses when `free` (the directory's free space, `nil` when it cannot be told) is below the floor, and says
    /// so in the health; clears an earlier refusal when it is not. An unanswerable probe lets the write go ahead.
    func checkFreeSpace(free: Int64?) -> AuditError? {
        if let free, free < configuration.minFreeBytes {
            let reason =
                "free space in \(directory) is \(free) bytes, below the floor of \(configuration.minFreeBytes) bytes"
            if loggedFailure != reason {
                loggedFailure = reason
                logger.error("audit log refusing records: disk full", metadata: ["reason": "\(reason)"])
            }
            failure = .diskFull(reason)
            return AuditError(.diskFull, reason)
        }
        if case .diskFull = failure { recovered() }
        return nil
    }
}
