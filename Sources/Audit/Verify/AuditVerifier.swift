import Crypto

/// Checks an audit log offline: every line, the hash chain, the MACs, the links between segments, pruning, and
/// the signed checkpoints. Pure: it reads the directory and changes nothing.
///
/// ```swift
/// let verifier = AuditVerifier(keys: [try AuditKey(contentsOf: "/etc/replayd/audit.key")],
///                              checkpointFile: try AuditCheckpointFile.read(dir + "/checkpoints.jsonl"),
///                              checkpointKey: try AuditSigningKeys.loadPublicKey(pubPath))
/// let result = try verifier.verify(directory: dir)
/// if let problem = result.firstProblem { print("tampered: \(problem)") }
/// ```
///
/// Records are checked in log order and the first problem stops the walk. In this order, per record: the line
/// ends with `\n`, parses, and is byte for byte its canonical form; the chain members are there; `seq` is the
/// previous one plus 1; at the start of a segment, the file name matches the first seq and the `segment_start`
/// record links to the previous segment; `hash` is the SHA-256 of the record; `prev` is the previous `hash`;
/// `key_id` is one of ``keys``; `mac` verifies. A log that begins after seq 1 must begin with a `segment_start`
/// that a later `segment_pruned` record accounts for. A checkpoint's head is compared when the walk reaches
/// record `size`; after the walk, checkpoints with a bad signature, or that are ahead of the log, are reported.
///
/// Without checkpoints, removing whole records from the end of the log cannot be detected: the result says so
/// in ``AuditVerification/notes``.
public struct AuditVerifier: Sendable {
    /// The audit keys, picked by each record's `key_id` (give every key the log was written under).
    public let keys: [AuditKey]
    /// The checkpoints to compare with the log.
    public let checkpointFile: AuditCheckpointFile
    // The checkpoint public key's raw bytes (`Curve25519.Signing.PublicKey` is not `Sendable`; one is made per use).
    private let checkpointKeyBytes: [UInt8]?

    /// The public key that signs checkpoints; without it, signatures are not checked (and the result says so).
    public var checkpointKey: Curve25519.Signing.PublicKey? {
        checkpointKeyBytes.flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// Creates a verifier from checkpoints already read (their lines in reports are their positions, from 1).
    public init(
        keys: [AuditKey],
        checkpoints: [AuditCheckpoint] = [],
        checkpointKey: Curve25519.Signing.PublicKey? = nil
    ) {
        self.init(
            keys: keys,
            checkpointFile: AuditCheckpointFile(checkpoints: checkpoints),
            checkpointKey: checkpointKey
        )
    }

    /// Creates a verifier from a checkpoints file, so that reports name its lines and a malformed line is a
    /// problem.
    public init(keys: [AuditKey], checkpointFile: AuditCheckpointFile, checkpointKey: Curve25519.Signing.PublicKey?) {
        self.keys = keys
        self.checkpointFile = checkpointFile
        self.checkpointKeyBytes = checkpointKey.map { Array($0.rawRepresentation) }
    }

    /// Verifies the log in `directory`.
    ///
    /// - Returns: the result; tampering is a ``AuditVerification/firstProblem``, not an error.
    /// - Throws: ``AuditFiles/IOError`` when the directory or a segment cannot be read.
    public func verify(directory: String) throws(AuditFiles.IOError) -> AuditVerification {
        let names = try AuditFiles.segments(in: directory)
        var walk = AuditChainWalk(keys: keys, checkpointFile: checkpointFile, checkpointKey: checkpointKey)
        for (index, name) in names.enumerated() {
            let bytes = try AuditFiles.read(directory + "/" + name)
            if let problem = walk.check(segment: name, bytes: bytes, isLast: index == names.count - 1) {
                return walk.result(problem: problem)
            }
        }
        return walk.finish()
    }
}
