#if canImport(Glibc)
import Glibc
#endif

extension AuditSegmentWriter {
    /// Whether the current segment's first record is at least `maxSegmentAge` old.
    func segmentIsOld() -> Bool {
        guard durableSize > 0, let first = segmentFirstUnixNanoseconds else { return false }
        return clock.unixNanoseconds() - first >= Self.nanoseconds(configuration.maxSegmentAge)
    }

    /// Closes the current segment and starts the next: a checkpoint of the closed segment's head, the closed
    /// segment made read-only (0440), the next segment created (named by its first seq) with its directory synced,
    /// and a `segment_start` record linking back as its first record.
    ///
    /// - Throws: ``AuditError/Code/io`` (and the log is degraded) when the new segment cannot be created or its
    ///   first record written. A later open then continues the old segment, or completes the new one.
    func rotate(because reason: String) throws(AuditError) {
        guard let current = segment, let name = segmentName, durableSize > 0 else { return }
        let previous = chain.head
        do {
            try writeCheckpoint()
        } catch {
            logger.error("cannot checkpoint the closing audit segment", metadata: ["error": "\(error.message)"])
        }
        // Give back what was reserved past its end (cutting to its own length frees the blocks beyond).
        do {
            try current.truncate(to: durableSize)
        } catch {
            logger.warning("cannot release the closed audit segment's reserve", metadata: ["error": "\(error)"])
        }
        current.close()
        segment = nil
        if chmod(path(name), 0o440) != 0 {
            logger.warning(
                "cannot make the closed audit segment read-only",
                metadata: ["segment": "\(name)", "errno": "\(String(cString: strerror(errno)))"]
            )
        }
        let next = AuditFiles.segmentName(firstSeq: previous.seq + 1)
        do {
            segment = try AuditSegmentFile.create(path(next), mode: 0o640)
        } catch {
            degrade("cannot start the next audit segment: \(error.description)")
            throw AuditError(.io, error.description)
        }
        segmentName = next
        durableSize = 0
        reservedEnd = 0
        segmentFirstUnixNanoseconds = nil
        try commit([.segmentStart(previousSegment: name, previousHead: previous)])
        statistics.rotations += 1
        logger.info(
            "audit segment rotated",
            metadata: ["reason": "\(reason)", "closed": "\(name)", "last_seq": "\(previous.seq)", "segment": "\(next)"]
        )
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow || carry { return seconds < 0 ? .min : .max }
        return total
    }
}
