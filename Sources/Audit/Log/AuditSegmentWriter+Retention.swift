#if canImport(Glibc)
import Glibc
#endif

extension AuditSegmentWriter {
    /// Deletes the oldest closed segments whose last record is older than the retention, oldest first and never the
    /// current one: first one `segment_pruned` record per segment, made durable, then the deletions and a directory
    /// sync.
    ///
    /// The records come first so that the log on disk verifies whatever stops the pass (a failed write, a crash):
    /// a segment may outlive its record, and the next pass deletes it and records it again, but a segment is never
    /// gone without one. When the records cannot be written, nothing is deleted.
    func pruneExpired() {
        guard let retention = configuration.retention, segment != nil, !isDegraded, let current = segmentName else {
            return
        }
        let (cutoff, overflow) = clock.unixNanoseconds().subtractingReportingOverflow(Self.nanoseconds(retention))
        guard !overflow else { return }
        let names: [String]
        do {
            names = try AuditFiles.segments(in: directory)
        } catch {
            logger.warning("audit retention cannot list segments", metadata: ["error": "\(error.description)"])
            return
        }
        var expired: [AuditSegmentSummary] = []
        // Names sort in log order: stop at the first segment to keep, so what remains is contiguous.
        for name in names where name < current {
            let summary: AuditSegmentSummary
            if let known = summaries[name] {
                summary = known
            } else {
                do {
                    summary = try AuditSegmentSummary.read(directory: directory, name: name, key: configuration.key)
                } catch {
                    logger.warning("audit retention cannot read a segment", metadata: ["error": "\(error.message)"])
                    break
                }
                summaries[name] = summary
            }
            guard summary.last.unixNanoseconds < cutoff else { break }
            expired.append(summary)
        }
        guard !expired.isEmpty else { return }
        do {
            try commit(expired.map(AuditRecord.segmentPruned))
        } catch {
            logger.error(
                "audit retention cannot record the segments it would delete; none deleted",
                metadata: ["error": "\(error.message)"]
            )
            return
        }
        var pruned: [String] = []
        for summary in expired {
            guard unlink(path(summary.name)) == 0 else {
                logger.error(
                    "audit retention cannot delete a segment",
                    metadata: ["segment": "\(summary.name)", "errno": "\(String(cString: strerror(errno)))"]
                )
                break
            }
            summaries[summary.name] = nil
            pruned.append(summary.name)
        }
        guard !pruned.isEmpty else { return }
        do {
            try AuditFiles.syncDirectory(ofFile: path(current))
        } catch {
            logger.error("audit retention cannot sync the directory", metadata: ["error": "\(error.description)"])
        }
        statistics.prunedSegments += Int64(pruned.count)
        logger.info(
            "audit segments pruned",
            metadata: ["count": "\(pruned.count)", "through": "\(pruned.last ?? "")"]
        )
    }
}
