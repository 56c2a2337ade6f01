/// Reads several instances' audit logs as one stream in time order (`audit tail` with several `--dir`).
///
/// Each log is in order by itself, so the merge takes, at each step, the earliest next record among the logs:
/// by `ts`, then by the position of its log in the list given (ties are stable: the same input always gives the
/// same order), then by `seq`. A record whose `ts` does not parse sorts as the earliest, so it is not held back.
/// Catching up (``next()``) reads each log segment by segment, never a whole log at once; following
/// (``poll()``) merges what each log completed since the last poll.
///
/// ```swift
/// var merged = AuditMergedReader(sources: [.init(directory: a), .init(directory: b)])
/// while let entry = try merged.next() { print(entry.instance, entry.entry.seq) }
/// ```
public struct AuditMergedReader: Sendable {
    /// One log in the merge.
    public struct Source: Sendable, Hashable {
        /// The audit directory.
        public var directory: String
        /// The name shown for records that carry no `instance` member; the directory by default.
        public var label: String

        /// Creates a source.
        public init(directory: String, label: String? = nil) {
            self.directory = directory
            self.label = label ?? directory
        }
    }

    /// One record of the merged stream.
    public struct Entry: Sendable, Hashable {
        /// The position of its log in ``AuditMergedReader/sources``.
        public var source: Int
        /// The instance it belongs to: the record's `instance`, else its source's label.
        public var instance: String
        /// The record.
        public var entry: AuditEntry
    }

    /// The logs, in the order that breaks ties.
    public let sources: [Source]
    private var readers: [AuditReader]
    private var buffers: [[AuditEntry]]
    private var caughtUp: [Bool]

    /// Creates a merged reader of `sources`, each read with `filter`.
    public init(sources: [Source], filter: AuditTailFilter = AuditTailFilter()) {
        self.sources = sources
        self.readers = sources.map { AuditReader(directory: $0.directory, filter: filter) }
        self.buffers = Array(repeating: [], count: sources.count)
        self.caughtUp = Array(repeating: false, count: sources.count)
    }

    /// The next record in time order while catching up, or `nil` when every log has been read to its end.
    public mutating func next() throws(AuditFiles.IOError) -> Entry? {
        for index in sources.indices where buffers[index].isEmpty && !caughtUp[index] {
            let batch = try readers[index].poll()
            if batch.isEmpty { caughtUp[index] = true } else { buffers[index] = batch }
        }
        var best: Int?
        for index in sources.indices where !buffers[index].isEmpty {
            guard let current = best else {
                best = index
                continue
            }
            if Self.precedes(buffers[index][0], index, buffers[current][0], current) { best = index }
        }
        guard let best else { return nil }
        // When this empties the buffer, the next call polls that log again before choosing.
        return wrap(buffers[best].removeFirst(), best)
    }

    /// The records every log completed since the last poll (or since catching up), merged in time order; empty
    /// when none did. For following (`tail -f`) after ``next()`` returned `nil`.
    public mutating func poll() throws(AuditFiles.IOError) -> [Entry] {
        var all: [(Int, AuditEntry)] = []
        for index in sources.indices {
            all += buffers[index].map { (index, $0) }
            buffers[index] = []
            while case let batch = try readers[index].poll(), !batch.isEmpty {
                all += batch.map { (index, $0) }
            }
        }
        // Stable: entries of one log keep their order, ties between logs go by log position.
        let sorted = all.enumerated().sorted { lhs, rhs in
            let (left, right) = (lhs.element, rhs.element)
            if Self.precedes(left.1, left.0, right.1, right.0) { return true }
            if Self.precedes(right.1, right.0, left.1, left.0) { return false }
            return lhs.offset < rhs.offset
        }
        return sorted.map { wrap($0.element.1, $0.element.0) }
    }

    private func wrap(_ entry: AuditEntry, _ source: Int) -> Entry {
        Entry(
            source: source,
            instance: entry.record["instance"]?.stringValue ?? sources[source].label,
            entry: entry
        )
    }

    /// Whether `a` (from log `i`) comes before `b` (from log `j`): by `ts`, then log position, then `seq`.
    static func precedes(_ a: AuditEntry, _ i: Int, _ b: AuditEntry, _ j: Int) -> Bool {
        let ta = a.record["ts"]?.stringValue.flatMap(AuditTimestamp.parse) ?? Int64.min
        let tb = b.record["ts"]?.stringValue.flatMap(AuditTimestamp.parse) ?? Int64.min
        if ta != tb { return ta < tb }
        if i != j { return i < j }
        return a.seq < b.seq
    }
}
