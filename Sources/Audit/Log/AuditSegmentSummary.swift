/// A closed segment as retention and recovery need it: its name, first seq and last record, read from the file's
/// last line without reading the rest.
struct AuditSegmentSummary {
    var name: String
    var firstSeq: Int64
    var last: AuditSegmentScan.Last

    /// Reads the summary of segment `name` in `directory`.
    ///
    /// - Throws: ``AuditError/Code/io`` when the file cannot be read or its last line is not a whole, sealed record.
    static func read(directory: String, name: String, key: AuditKey) throws(AuditError) -> AuditSegmentSummary {
        let path = directory + "/" + name
        guard let firstSeq = AuditFiles.firstSeq(ofSegment: name) else {
            throw AuditError(.io, "\(path) is not a segment name")
        }
        let tail: AuditFileTail
        do {
            tail = try AuditFileTail.read(path)
        } catch {
            throw AuditError(.io, error.description)
        }
        guard tail.tornLength == 0, let line = tail.lastLine,
            let last = AuditSegmentScan.lastRecord(ofLine: line, key: key)
        else {
            throw AuditError(.io, "\(path) does not end in a whole, sealed record")
        }
        return AuditSegmentSummary(name: name, firstSeq: firstSeq, last: last)
    }
}
