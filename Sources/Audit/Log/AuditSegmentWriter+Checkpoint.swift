extension AuditSegmentWriter {
    var checkpointsPath: String { path(AuditFiles.checkpointsFileName) }

    /// Signs the current head and appends it to `checkpoints.jsonl` as one canonical JSON line, `fdatasync`ed.
    ///
    /// - Throws: ``AuditError/Code/io`` when it cannot be signed or made durable (the file is cut back to where it
    ///   was, best effort). The records themselves are unaffected: the log stays writable.
    func writeCheckpoint() throws(AuditError) {
        let head = chain.head
        let checkpoint: AuditCheckpoint
        do {
            checkpoint = try AuditCheckpoint.sign(
                origin: configuration.origin,
                head: head,
                unixNanoseconds: clock.unixNanoseconds(),
                key: signingKey
            )
        } catch {
            throw AuditError(.io, "cannot sign an audit checkpoint: \(error)")
        }
        do {
            try appendDurably(checkpoint.json.canonical + [0x0A], to: checkpointsPath)
        } catch {
            throw AuditError(.io, "audit checkpoint: \(error.description)")
        }
        checkpointed = head
        checkpointMonotonic = clock.monotonicNow()
        statistics.checkpoints += 1
        publish()
    }

    /// Appends `line` to the file at `path` (created 0640 when missing) and `fdatasync`s it; on failure the file is
    /// cut back to its old length, best effort.
    private func appendDurably(_ line: [UInt8], to path: String) throws(AuditFiles.IOError) {
        let file = try AuditSegmentFile.openOrCreate(path, mode: 0o640)
        defer { file.close() }
        let before = try file.size()
        do {
            try file.append(line)
            try file.syncData()
        } catch {
            try? file.truncate(to: before)
            throw error
        }
    }

    /// A checkpoint after every `checkpointEveryRecords` records.
    func checkpointIfCountReached() {
        let covered = checkpointed?.seq ?? 0
        guard configuration.checkpointEveryRecords > 0,
            chain.head.seq - covered >= configuration.checkpointEveryRecords
        else { return }
        checkpointLoggingFailure()
    }

    /// A checkpoint when `checkpointInterval` has passed since the last one and the head has moved.
    func checkpointIfIntervalPassed() {
        guard chain.head.seq > 0, chain.head != checkpointed,
            clock.monotonicNow() - checkpointMonotonic >= configuration.checkpointInterval
        else { return }
        checkpointLoggingFailure()
    }

    private func checkpointLoggingFailure() {
        do {
            try writeCheckpoint()
        } catch {
            logger.error("cannot write an audit checkpoint", metadata: ["error": "\(error.message)"])
        }
    }

    /// Reads the last checkpoint at open, cutting off a torn last line first so the next one starts on a line of
    /// its own.
    func loadLastCheckpoint() {
        checkpointed = nil
        checkpointMonotonic = clock.monotonicNow()
        let tail: AuditFileTail
        do {
            tail = try AuditFileTail.read(checkpointsPath)
        } catch {
            return  // no checkpoint yet
        }
        if tail.tornLength > 0 {
            do {
                let file = try AuditSegmentFile.openExisting(checkpointsPath)
                defer { file.close() }
                try file.truncate(to: Int64(tail.size - tail.tornLength))
                try file.sync()
                logger.warning(
                    "cut a torn line off the audit checkpoints",
                    metadata: ["bytes": "\(tail.tornLength)"]
                )
            } catch {
                logger.error("cannot cut a torn audit checkpoint", metadata: ["error": "\(error.description)"])
            }
        }
        guard let line = tail.lastLine, let json = try? AuditJSONParser.parse(line),
            let checkpoint = AuditCheckpoint(json: json)
        else { return }
        checkpointed = AuditChain.Head(seq: checkpoint.size, hash: checkpoint.head)
    }
}
