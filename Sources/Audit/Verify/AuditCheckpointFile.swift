/// The checkpoints file (`checkpoints.jsonl`) as ``AuditVerifier`` reads it: one ``AuditCheckpoint`` JSON line each.
///
/// A last line without its `\n` is a checkpoint whose write was interrupted: it is left out, and
/// ``tornTail`` says so (dropping it hides nothing, since whole lines can be removed from this file anyway). Any
/// other line that is not a checkpoint is reported as ``malformed`` and then as a problem by the verifier.
public struct AuditCheckpointFile: Sendable, Hashable {
    /// One checkpoint and where it is.
    public struct Entry: Sendable, Hashable {
        /// Its line, from 1.
        public var line: Int
        /// The checkpoint.
        public var checkpoint: AuditCheckpoint

        /// Creates an entry.
        public init(line: Int, checkpoint: AuditCheckpoint) {
            self.line = line
            self.checkpoint = checkpoint
        }
    }

    /// A line that is not a checkpoint.
    public struct MalformedLine: Sendable, Hashable {
        /// Its line, from 1.
        public var line: Int
        /// What is wrong with it.
        public var reason: String
    }

    /// The file's name in reports.
    public var name: String
    /// The checkpoints, in file order.
    public var entries: [Entry]
    /// The first line that is not a checkpoint, if any.
    public var malformed: MalformedLine?
    /// Whether the last line had no `\n` and was left out.
    public var tornTail: Bool

    /// The checkpoints alone.
    public var checkpoints: [AuditCheckpoint] { entries.map(\.checkpoint) }

    /// Wraps checkpoints that came from elsewhere; their lines are their positions, from 1.
    public init(name: String = AuditFiles.checkpointsFileName, checkpoints: [AuditCheckpoint]) {
        self.name = name
        self.entries = checkpoints.enumerated().map { Entry(line: $0.offset + 1, checkpoint: $0.element) }
        self.malformed = nil
        self.tornTail = false
    }

    /// Parses the contents of a checkpoints file.
    public init(name: String = AuditFiles.checkpointsFileName, bytes: [UInt8]) {
        self.name = name
        entries = []
        malformed = nil
        tornTail = false
        var start = 0
        var line = 0
        while start < bytes.count {
            line += 1
            guard let end = bytes[start...].firstIndex(of: 0x0A) else {
                tornTail = true
                break
            }
            let text = bytes[start..<end]
            start = end + 1
            do {
                let json = try AuditJSONParser.parse(text)
                guard let checkpoint = AuditCheckpoint(json: json) else {
                    if malformed == nil {
                        malformed = MalformedLine(line: line, reason: "a checkpoint member is missing or mistyped")
                    }
                    continue
                }
                entries.append(Entry(line: line, checkpoint: checkpoint))
            } catch {
                if malformed == nil { malformed = MalformedLine(line: line, reason: "not JSON: \(error)") }
            }
        }
    }

    /// Reads the checkpoints file at `path`; reports name it by its last path component.
    public static func read(_ path: String) throws(AuditFiles.IOError) -> AuditCheckpointFile {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return AuditCheckpointFile(name: name, bytes: try AuditFiles.read(path))
    }
}
