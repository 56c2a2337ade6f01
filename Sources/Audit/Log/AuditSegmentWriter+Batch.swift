extension AuditSegmentWriter {
    /// One group commit: writes `batch` (rotating first when the segment is too old or would grow too large),
    /// publishes the new health, resumes every waiter with the outcome, then signs a checkpoint when one is due.
    func write(_ batch: [AuditWriteQueue.Pending]) {
        let outcome = writeRecords(batch.map(\.record))
        publish()
        for pending in batch { pending.completion.resume(returning: outcome) }
        if case .success = outcome { checkpointIfCountReached() }
    }

    private func writeRecords(_ records: [AuditRecord]) -> Result<Void, AuditError> {
        if closed { return .failure(AuditError(.closed, "the audit log is closed")) }
        if case .degraded(let reason) = failure { return .failure(AuditError(.degraded, reason)) }
        if let refusal = checkFreeSpace() { return .failure(refusal) }
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

    /// Refuses when free space is below the floor (and says so in the health); clears an earlier refusal when it
    /// is not. An unanswerable probe lets the write go ahead.
    func checkFreeSpace() -> AuditError? {
        if let free = diskSpace.freeBytes(atPath: directory), free < configuration.minFreeBytes {
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
