#if canImport(Glibc)
import Glibc
#endif

extension AuditSegmentWriter {
    /// Deletes the oldest closed segments whose last record is older than the retention, oldest first and never the
    /// current one, syncs the directory, then records one `segment_pruned` per deleted segment.
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
        var pruned: [AuditSegmentSummary] = []
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
            guard unlink(path(name)) == 0 else {
                logger.error(
                    "audit retention cannot delete a segment",
                    metadata: ["segment": "\(name)", "errno": "\(String(cString: strerror(errno)))"]
                )
                break
            }
            summaries[name] = nil
            pruned.append(summary)
        }
        guard !pruned.isEmpty else { return }
        do {
            try AuditFiles.syncDirectory(ofFile: path(current))
        } catch {
            logger.error("audit retention cannot sync the directory", metadata: ["error": "\(error.description)"])
        }
        statistics.prunedSegments += Int64(pruned.count)
        let records = pruned.map(AuditRecord.segmentPruned)
        do {
            try commit(records)
        } catch {
            owedRecords.append(contentsOf: records)
        }
        logger.info(
            "audit segments pruned",
            metadata: ["count": "\(pruned.count)", "through": "\(pruned.last.map(\.name) ?? "")"]
        )
    }
}
