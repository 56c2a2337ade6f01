#if canImport(Glibc)
import Glibc
#endif

/// Reads an audit log's records in order across its segments, remembering where it stopped, so that the same
/// reader both reads a log and follows it (`audit tail -f`).
///
/// Each ``poll()`` returns the records completed since the last one. Only whole lines count: a last line still
/// being written is left for a later poll. When a newer segment appears, the writer is done with the older one, so
/// the reader moves on (a torn line left at the end of an older segment is skipped and counted). The reader does
/// not verify anything: `audit verify` does. Lines that do not parse, or have no `seq`, are skipped and counted.
///
/// ```swift
/// var reader = AuditReader(directory: dir, filter: AuditTailFilter(principal: "alice"))
/// while case let batch = try reader.poll(), !batch.isEmpty { batch.forEach { print($0.seq) } }
/// ```
public struct AuditReader: Sendable {
    /// Where the reader is: a segment and the byte offset just after the last whole line read from it.
    public struct Position: Sendable, Hashable {
        /// The segment, or `nil` before the first.
        public var segment: String?
        /// The byte offset in it.
        public var offset: Int

        /// Creates a position.
        public init(segment: String?, offset: Int) {
            self.segment = segment
            self.offset = offset
        }

        /// Before the first record.
        public static let start = Position(segment: nil, offset: 0)
    }

    /// The audit directory.
    public let directory: String
    /// Which records ``poll()`` returns.
    public var filter: AuditTailFilter
    /// Where the next poll starts.
    public private(set) var position: Position
    /// Lines passed over because they were not records, or were torn at the end of an older segment.
    public private(set) var skippedLines = 0

    /// Creates a reader of the log in `directory`, starting at `position`.
    public init(directory: String, filter: AuditTailFilter = AuditTailFilter(), position: Position = .start) {
        self.directory = directory
        self.filter = filter
        self.position = position
    }

    /// The records that match the filter and were completed since the last poll, in log order; empty when the
    /// reader has caught up. To bound memory, a poll that found records returns at the end of a segment, so call
    /// it until it returns nothing.
    public mutating func poll() throws(AuditFiles.IOError) -> [AuditEntry] {
        let names = try AuditFiles.segments(in: directory)
        var entries: [AuditEntry] = []
        for (index, name) in names.enumerated() {
            if let current = position.segment, name < current { continue }
            if position.segment != name { position = Position(segment: name, offset: 0) }
            let (lines, consumed, remainder) = try Self.completeLines(
                of: directory + "/" + name,
                from: position.offset
            )
            position.offset += consumed
            for line in lines {
                guard let record = try? AuditJSONParser.parse(line), let seq = record["seq"]?.intValue else {
                    skippedLines += 1
                    continue
                }
                if filter.matches(record) {
                    entries.append(AuditEntry(seq: seq, record: record, line: line, segment: name))
                }
            }
            let isLast = index == names.count - 1
            if !isLast && remainder > 0 {
                // A newer segment exists, so this one will not grow: its torn tail stays torn.
                skippedLines += 1
                position.offset += remainder
            }
            if !entries.isEmpty { return entries }
        }
        return entries
    }

    /// The whole lines of the file at `path` from `offset`, how many bytes they take with their newlines, and how
    /// many bytes follow the last newline.
    private static func completeLines(
        of path: String,
        from offset: Int
    ) throws(AuditFiles.IOError) -> (lines: [[UInt8]], consumed: Int, remainder: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            // Pruned between listing and reading: nothing more will come from it.
            if errno == ENOENT { return ([], 0, 0) }
            throw AuditFiles.IOError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var at = off_t(offset)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, at) }
            if count < 0 {
                if errno == EINTR { continue }
                throw AuditFiles.IOError("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            at += off_t(count)
        }
        var lines: [[UInt8]] = []
        var start = 0
        while start < bytes.count, let end = bytes[start...].firstIndex(of: 0x0A) {
            lines.append(Array(bytes[start..<end]))
            start = end + 1
        }
        return (lines, start, bytes.count - start)
    }
}
