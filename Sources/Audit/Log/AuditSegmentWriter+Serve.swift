extension AuditSegmentWriter {
    /// The writer thread's loop: takes work from the queue until it is closed and drained.
    func serve() {
        while true {
            switch queue.next() {
            case .commands(let commands):
                for command in commands {
                    switch command {
                    case .maintain(let done):
                        maintain()
                        done.resume()
                    case .checkpoint(let completion):
                        completion(checkpointNow())
                    }
                }
            case .records(let batch):
                write(batch)
            case .close:
                shutdown()
                queue.finishClosing()
                return
            }
        }
    }

    /// One maintenance pass: reopen when degraded (after a failed write, only once a probe write succeeds), clear a
    /// full disk that has space again, rotate an old segment, prune expired segments, checkpoint when the interval
    /// has passed.
    func maintain() {
        guard !closed else { return }
        if segment == nil || isDegraded {
            reopenAfterFailure()
            guard !isDegraded else { return }
        }
        if case .diskFull = failure { _ = checkFreeSpace(free: diskSpace.freeBytes(atPath: directory)) }
        if reserveShortfall != nil { _ = ensureReserve(free: diskSpace.freeBytes(atPath: directory)) }
        if failure == nil, segmentIsOld() {
            do {
                try rotate(because: "age")
            } catch {
                logger.error("audit segment rotation failed", metadata: ["error": "\(error.message)"])
            }
        }
        pruneExpired()
        checkpointIfIntervalPassed()
        publish()
    }

    /// A checkpoint on request.
    func checkpointNow() -> Result<Void, AuditError> {
        if closed { return .failure(AuditError(.closed, "the audit log is closed")) }
        if case .degraded(let reason) = failure { return .failure(AuditError(.degraded, reason)) }
        do {
            try writeCheckpoint()
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// The end: a last checkpoint (when the log is healthy and its head is not signed yet), then the segment is
    /// closed.
    func shutdown() {
        if segment != nil, !isDegraded, chain.head.seq > 0, checkpointed != chain.head {
            do {
                try writeCheckpoint()
            } catch {
                logger.error("cannot write the final audit checkpoint", metadata: ["error": "\(error.message)"])
            }
        }
        segment?.close()
        segment = nil
        closed = true
        logger.info("audit log closed", metadata: ["seq": "\(chain.head.seq)"])
        publish()
    }
}
