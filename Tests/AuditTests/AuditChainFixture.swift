import Audit
import Crypto
import Foundation
import Testing

/// A fresh directory under the system temporary directory, removed when `body` returns.
func withAuditDirectory<Result>(_ body: (String) throws -> Result) throws -> Result {
    var template = Array((NSTemporaryDirectory() + "/replayd-audit-test-XXXXXX").utf8CString)
    let path = try template.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress, let created = mkdtemp(base) else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        return String(cString: created)
    }
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// An audit key from a repeated byte, for tests.
func testAuditKey(_ byte: Character) -> AuditKey {
    do {
        return try AuditKey(material: Array(repeating: byte.asciiValue ?? 0, count: 32))
    } catch {
        preconditionFailure("\(error)")
    }
}

/// Builds an audit log on disk the way the writer lays it out: records sealed with ``AuditChain`` into segments
/// named for their first seq, a `segment_start` at the head of every segment after the first, `segment_pruned`
/// after retention, `anchor` on a key change, and signed checkpoints in `checkpoints.jsonl`.
struct AuditChainFixture {
    /// Where the log is.
    let directory: String
    /// Signs the checkpoints.
    let signer: Curve25519.Signing.PrivateKey
    private(set) var chain: AuditChain
    /// The segments written (pruned ones removed), in order.
    private(set) var segments: [String] = []
    /// The head at the end of each segment, once it has records.
    private(set) var segmentEnds: [String: AuditChain.Head] = [:]
    private var clock: Int64 = 1_796_000_000_000_000_000

    init(directory: String, key: AuditKey, signer: Curve25519.Signing.PrivateKey = .init()) {
        self.directory = directory
        self.signer = signer
        self.chain = AuditChain(key: key)
    }

    var checkpointsPath: String { directory + "/" + AuditFiles.checkpointsFileName }
    var head: AuditChain.Head { chain.head }

    func path(_ segment: String) -> String { directory + "/" + segment }

    /// A replay record, as the pipeline writes them.
    static func replay(_ number: Int, principal: String = "alice") -> AuditRecord {
        AuditRecord(
            kind: .replay,
            stage: "received",
            door: "socket",
            actor: .init(kind: "uds", principal: principal, auth: "unix_peer", uid: 1000),
            requestID: "req-\(number)",
            runID: "run-\(number)",
            decision: "accepted"
        )
    }

    /// Appends `record` to the current segment, starting the first segment when there is none.
    mutating func append(_ record: AuditRecord) throws {
        if segments.isEmpty {
            segments.append(AuditFiles.segmentName(firstSeq: chain.head.seq + 1))
            try Data().write(to: URL(fileURLWithPath: path(segments[0])))
        }
        clock += 1_000_000
        let sealed = chain.seal(record, unixNanoseconds: clock)
        let name = segments[segments.count - 1]
        try appendBytes(sealed.line, to: path(name))
        segmentEnds[name] = sealed.head
    }

    /// Appends `count` replay records.
    mutating func appendReplays(_ count: Int, principal: String = "alice") throws {
        for _ in 0..<count { try append(Self.replay(Int(chain.head.seq) + 1, principal: principal)) }
    }

    /// Starts a new segment whose first record is a `segment_start` linking to the current one.
    mutating func rotate() throws {
        let previous = segments[segments.count - 1]
        let end = chain.head
        segments.append(AuditFiles.segmentName(firstSeq: end.seq + 1))
        try Data().write(to: URL(fileURLWithPath: path(segments[segments.count - 1])))
        try append(
            AuditRecord(
                kind: .segmentStart,
                door: "system",
                details: [
                    ("previous_segment", .string(previous)), ("previous_last_seq", .int(end.seq)),
                    ("previous_last_hash", .string(end.hash)),
                ]
            )
        )
    }

    /// Deletes the oldest `count` segments; with `record`, appends a `segment_pruned` record for each.
    mutating func prune(_ count: Int, record: Bool = true) throws {
        for _ in 0..<count {
            let name = segments.removeFirst()
            let end = segmentEnds[name] ?? .empty
            try FileManager.default.removeItem(atPath: path(name))
            guard record else { continue }
            try append(
                AuditRecord(
                    kind: .segmentPruned,
                    door: "system",
                    details: [
                        ("segment", .string(name)), ("first_seq", .int(AuditFiles.firstSeq(ofSegment: name) ?? 0)),
                        ("last_seq", .int(end.seq)), ("last_hash", .string(end.hash)),
                    ]
                )
            )
        }
    }

    /// Switches to `key`, with an `anchor` record as the first record under it.
    mutating func changeKey(to key: AuditKey) throws {
        let previous = chain.key.id
        chain.key = key
        try append(AuditRecord(kind: .anchor, door: "system", details: [("previous_key_id", .string(previous))]))
    }

    /// Signs a checkpoint of the head (or of `head`) and appends it to `checkpoints.jsonl`.
    @discardableResult
    mutating func checkpoint(
        _ head: AuditChain.Head? = nil,
        signer other: Curve25519.Signing.PrivateKey? = nil
    )
        throws -> AuditCheckpoint
    {
        let checkpoint = try AuditCheckpoint.sign(
            origin: "test/replayd",
            head: head ?? chain.head,
            unixNanoseconds: clock,
            key: other ?? signer
        )
        try appendBytes(checkpoint.json.canonical + [0x0A], to: checkpointsPath)
        return checkpoint
    }

    /// A verifier with `keys` (the log's current key by default), the checkpoints file and the signer's public key.
    func verify(keys: [AuditKey]? = nil, checkpoints: Bool = true) throws -> AuditVerification {
        let file =
            checkpoints && FileManager.default.fileExists(atPath: checkpointsPath)
            ? try AuditCheckpointFile.read(checkpointsPath) : AuditCheckpointFile(checkpoints: [])
        let verifier = AuditVerifier(
            keys: keys ?? [chain.key],
            checkpointFile: file,
            checkpointKey: signer.publicKey
        )
        return try verifier.verify(directory: directory)
    }

    // MARK: Tampering

    /// The lines of a file, each with its `\n`.
    func lines(_ file: String) throws -> [[UInt8]] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path(file))))
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in bytes {
            current.append(byte)
            if byte == 0x0A {
                lines.append(current)
                current = []
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Replaces a file's contents with `lines`.
    func write(_ file: String, lines: [[UInt8]]) throws {
        try Data(lines.flatMap { $0 }).write(to: URL(fileURLWithPath: path(file)))
    }

    /// Edits line `number` (from 1) of `file`.
    func edit(_ file: String, line number: Int, _ change: (inout [UInt8]) -> Void) throws {
        var all = try lines(file)
        change(&all[number - 1])
        try write(file, lines: all)
    }

    /// Appends raw bytes to `file` in the log directory.
    func appendRaw(_ bytes: [UInt8], to file: String) throws {
        try appendBytes(bytes, to: path(file))
    }

    private func appendBytes(_ bytes: [UInt8], to path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            try Data().write(to: URL(fileURLWithPath: path))
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }
}

extension Array where Element == UInt8 {
    /// Replaces the first occurrence of `old` with `new` (same length or not); records an issue when absent.
    mutating func replace(_ old: String, with new: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let needle = Array(old.utf8)
        guard let start = indices.first(where: { self[$0...].starts(with: needle) }) else {
            Issue.record("\(old) not found", sourceLocation: sourceLocation)
            return
        }
        replaceSubrange(start..<start + needle.count, with: Array(new.utf8))
    }

    /// Changes the hex digit right after `marker` to another hex digit.
    mutating func flipHexDigit(after marker: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let needle = Array(marker.utf8)
        guard let start = indices.first(where: { self[$0...].starts(with: needle) }) else {
            Issue.record("\(marker) not found", sourceLocation: sourceLocation)
            return
        }
        let index = start + needle.count
        self[index] = self[index] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
    }
}
