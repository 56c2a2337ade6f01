#if canImport(Glibc)
import Glibc
#endif

extension AuditSegmentWriter {
    /// Opens the log from what is on disk (at start, and again to recover from a failure): continues the last
    /// segment, cutting off a torn tail; rebuilds the head; and writes the records the open calls for
    /// (`segment_start` for a segment that has none yet, `anchor` when the key changed, `repair` for a cut tail).
    /// On failure the log is degraded, never crashed.
    func open() {
        do {
            try openFromDisk()
            if failure != nil { recovered() }
            logger.info(
                "audit log open",
                metadata: ["segment": "\(segmentName ?? "")", "seq": "\(chain.head.seq)"]
            )
        } catch {
            degrade(error.message)
        }
        publish()
    }

    private func openFromDisk() throws(AuditError) {
        segment?.close()
        segment = nil
        segmentName = nil
        durableSize = 0
        reservedEnd = 0
        segmentFirstUnixNanoseconds = nil
        try ensureDirectory()
        let names: [String]
        do {
            names = try AuditFiles.segments(in: directory)
        } catch {
            throw AuditError(.degraded, error.description)
        }
        loadLastCheckpoint()
        guard let lastName = names.last, let firstSeq = AuditFiles.firstSeq(ofSegment: lastName) else {
            chain = AuditChain(key: configuration.key, instance: configuration.instance)
            try startFirstSegment()
            return
        }
        for name in names.dropLast() { makeReadOnly(name) }
        let lastPath = path(lastName)
        _ = chmod(lastPath, 0o640)  // a crash may have come between closing it and starting the next
        let bytes: [UInt8]
        do {
            bytes = try AuditFiles.read(lastPath)
        } catch {
            throw AuditError(.degraded, error.description)
        }
        let scan = AuditSegmentScan(bytes: bytes, firstSeq: firstSeq, key: configuration.key)
        if scan.damagedTailHoldsRecords {
            throw AuditError(
                .degraded,
                "\(lastPath): \(scan.damage ?? "a damaged record") at byte \(scan.validLength), and sealed records "
                    + "follow it; that is not a torn write, so nothing is cut: run `replayd audit verify`"
            )
        }
        let file: AuditSegmentFile
        do {
            file = try AuditSegmentFile.openExisting(lastPath)
        } catch {
            throw AuditError(.degraded, error.description)
        }
        let truncated = bytes.count - scan.validLength
        if truncated > 0 {
            do {
                try file.truncate(to: Int64(scan.validLength))
                try file.sync()
            } catch {
                throw AuditError(.degraded, error.description)
            }
            statistics.segmentSyncs += 1
            statistics.repairs += 1
            logger.warning(
                "cut a torn tail off the audit segment",
                metadata: [
                    "segment": "\(lastName)", "bytes": "\(truncated)", "damage": "\(scan.damage ?? "")",
                ]
            )
        }
        var records: [AuditRecord] = []
        let previousKeyID: String?
        if let last = scan.last {
            chain = AuditChain(key: configuration.key, head: last.head, instance: configuration.instance)
            previousKeyID = last.keyID
            segmentFirstUnixNanoseconds = scan.firstUnixNanoseconds
        } else if names.count > 1 {
            let previousName = names[names.count - 2]
            let previous = try AuditSegmentSummary.read(
                directory: directory,
                name: previousName,
                key: configuration.key
            )
            guard previous.last.head.seq + 1 == firstSeq else {
                throw AuditError(
                    .degraded,
                    "\(lastPath) is empty but named for seq \(firstSeq), and \(previousName) ends at seq "
                        + "\(previous.last.head.seq)"
                )
            }
            chain = AuditChain(key: configuration.key, head: previous.last.head, instance: configuration.instance)
            previousKeyID = previous.last.keyID
            records.append(.segmentStart(previousSegment: previousName, previousHead: previous.last.head))
        } else {
            guard firstSeq == 1 else {
                throw AuditError(
                    .degraded,
                    "\(lastPath) is empty and no segment before it says where the chain stands"
                )
            }
            chain = AuditChain(key: configuration.key, instance: configuration.instance)
            previousKeyID = nil
        }
        segment = file
        segmentName = lastName
        durableSize = Int64(scan.validLength)
        if let previousKeyID, previousKeyID != configuration.key.id {
            records.append(.anchor(previousKeyID: previousKeyID, keyID: configuration.key.id))
        }
        if truncated > 0 {
            records.append(
                .repair(segment: lastName, truncatedBytes: truncated, lastGoodSeq: chain.head.seq, reason: scan.damage)
            )
        }
        try commitOpeningRecords(records)
    }

    private func startFirstSegment() throws(AuditError) {
        let name = AuditFiles.segmentName(firstSeq: 1)
        do {
            segment = try AuditSegmentFile.create(path(name), mode: 0o640)
        } catch {
            throw AuditError(.degraded, error.description)
        }
        segmentName = name
        try commitOpeningRecords([])
    }

    private func commitOpeningRecords(_ records: [AuditRecord]) throws(AuditError) {
        if let checkpointed, checkpointed.seq > chain.head.seq {
            logger.critical(
                "the last audit checkpoint covers records that are no longer in the log",
                metadata: ["checkpoint_size": "\(checkpointed.seq)", "head_seq": "\(chain.head.seq)"]
            )
        }
        guard !records.isEmpty else { return }
        try commit(records)
    }

    /// Creates the directory (0750) when it is missing.
    private func ensureDirectory() throws(AuditError) {
        if mkdir(directory, 0o750) == 0 {
            _ = chmod(directory, 0o750)
            do {
                try AuditFiles.syncDirectory(ofFile: directory)
            } catch {
                logger.warning("cannot sync the audit directory's parent", metadata: ["error": "\(error.description)"])
            }
            return
        }
        let code = errno
        guard code == EEXIST else {
            throw AuditError(
                .degraded,
                "cannot create audit directory \(directory): \(String(cString: strerror(code)))"
            )
        }
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw AuditError(.degraded, "audit directory \(directory) is not a directory")
        }
    }

    /// Makes a closed segment 0440 if a crash left it writable.
    private func makeReadOnly(_ name: String) {
        var info = stat()
        guard stat(path(name), &info) == 0, info.st_mode & 0o777 != 0o440 else { return }
        _ = chmod(path(name), 0o440)
    }
}
