import Crypto

/// A signed commitment to the log's head, in the shape of a C2SP tlog-checkpoint: after `size` records the head
/// hash is `head`. The signed message is the checkpoint's note body
///
///     <origin>\n<size>\n<base64 of the 32 head-hash bytes>\n
///
/// signed with Ed25519. It is stored as one JSON line in `checkpoints.jsonl`:
/// `{"head":"<hex>","key_id":"<hex>","origin":"…","signature":"<base64>","size":N,"ts":"…"}`, where `key_id` is
/// the first 4 bytes, in hex, of SHA-256 of the raw 32-byte public key. Ship this file off the machine: once a
/// checkpoint is elsewhere, nobody on the box can rewrite the records it covers without `audit verify` seeing it.
public struct AuditCheckpoint: Sendable, Hashable {
    /// Names the log (`[audit] origin`; the host name by default).
    public var origin: String
    /// How many records the checkpoint covers (the last one's `seq`).
    public var size: Int64
    /// The `hash` of record `size`, in hex.
    public var head: String
    /// When it was made.
    public var timestamp: String
    /// Which public key verifies it.
    public var keyID: String
    /// The Ed25519 signature of ``note``, base64.
    public var signature: String

    /// Creates a checkpoint from its parts.
    public init(origin: String, size: Int64, head: String, timestamp: String, keyID: String, signature: String) {
        self.origin = origin
        self.size = size
        self.head = head
        self.timestamp = timestamp
        self.keyID = keyID
        self.signature = signature
    }

    /// The signed note body.
    public var note: [UInt8] {
        Self.note(origin: origin, size: size, head: head)
    }

    static func note(origin: String, size: Int64, head: String) -> [UInt8] {
        Array("\(origin)\n\(size)\n\(Base64.encode(Hex.decode(head) ?? []))\n".utf8)
    }

    /// Signs a new checkpoint.
    public static func sign(
        origin: String,
        head: AuditChain.Head,
        unixNanoseconds: Int64,
        key: Curve25519.Signing.PrivateKey
    ) throws -> AuditCheckpoint {
        let signature = try key.signature(for: note(origin: origin, size: head.seq, head: head.hash))
        return AuditCheckpoint(
            origin: origin,
            size: head.seq,
            head: head.hash,
            timestamp: AuditTimestamp.format(unixNanoseconds: unixNanoseconds),
            keyID: keyID(of: key.publicKey),
            signature: Base64.encode(Array(signature))
        )
    }

    /// Whether `key` signed this checkpoint.
    public func isSigned(by key: Curve25519.Signing.PublicKey) -> Bool {
        guard let bytes = Base64.decode(signature) else { return false }
        return key.isValidSignature(bytes, for: note)
    }

    /// The key id of a public key: hex of the first 4 bytes of SHA-256 of its raw 32 bytes.
    public static func keyID(of key: Curve25519.Signing.PublicKey) -> String {
        Hex.encode(Array(SHA256.hash(data: key.rawRepresentation)).prefix(4))
    }

    /// The JSON line (without the newline).
    public var json: AuditJSON {
        .object([
            ("origin", .string(origin)), ("size", .int(size)), ("head", .string(head)), ("ts", .string(timestamp)),
            ("key_id", .string(keyID)), ("signature", .string(signature)),
        ])
    }

    /// Reads a checkpoint line, or `nil` when a member is missing or mistyped.
    public init?(json: AuditJSON) {
        guard let origin = json["origin"]?.stringValue, let size = json["size"]?.intValue,
            let head = json["head"]?.stringValue, let timestamp = json["ts"]?.stringValue,
            let keyID = json["key_id"]?.stringValue, let signature = json["signature"]?.stringValue
        else { return nil }
        self.init(origin: origin, size: size, head: head, timestamp: timestamp, keyID: keyID, signature: signature)
    }
}
