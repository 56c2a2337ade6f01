import Crypto

/// The chain every record is sealed into.
///
/// A sealed record is the ``AuditRecord``'s members plus:
/// - `instance`: the instance id of the replayd that wrote it, when it has one (``instance``);
/// - `seq`: gapless, starting at 1;
/// - `ts`: RFC 3339 UTC with nanoseconds;
/// - `key_id`: the ``AuditKey`` that MACed it;
/// - `prev`: the previous record's `hash` (64 zeros before the first record);
/// - `hash`: lowercase hex SHA-256 of the canonical JSON of the record *without* `hash` and `mac`;
/// - `mac`: lowercase hex HMAC-SHA256(MAC key, the 32 bytes of `hash`).
///
/// The line written is the canonical JSON of the whole record followed by `\n`.
public struct AuditChain: Sendable {
    /// `prev` of the very first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// The last record sealed (or found at startup).
    public struct Head: Sendable, Hashable {
        /// Its `seq` (0 before the first record).
        public var seq: Int64
        /// Its `hash` (``AuditChain/genesis`` before the first record).
        public var hash: String

        /// Creates a head.
        public init(seq: Int64, hash: String) {
            self.seq = seq
            self.hash = hash
        }

        /// An empty log.
        public static let empty = Head(seq: 0, hash: AuditChain.genesis)
    }

    /// The record after it was sealed.
    public struct Sealed: Sendable {
        /// The line to append, ending in `\n`.
        public var line: [UInt8]
        /// Its `seq` and `hash`.
        public var head: Head
    }

    /// The last record sealed.
    public private(set) var head: Head
    /// The key that MACs new records.
    public var key: AuditKey
    /// The instance id written into every record as `instance` (`[state] instance_id`); `nil` writes none.
    public var instance: String?

    /// Continues a chain from `head`, naming `instance` in every record it seals.
    public init(key: AuditKey, head: Head = .empty, instance: String? = nil) {
        self.key = key
        self.head = head
        self.instance = instance
    }

    /// Seals `record` as the next one, at wall time `unixNanoseconds`.
    ///
    /// Each member is encoded once, in canonical order: the hashed form and the line differ only by `hash` and
    /// `mac`, so both are joined from the same encoded members.
    public mutating func seal(_ record: AuditRecord, unixNanoseconds: Int64) -> Sealed {
        let seq = head.seq + 1
        guard case .object(var members) = record.json else { preconditionFailure("a record is an object") }
        if let instance { members.append(("instance", .string(instance))) }
        members.append(("seq", .int(seq)))
        members.append(("ts", .string(AuditTimestamp.format(unixNanoseconds: unixNanoseconds))))
        members.append(("key_id", .string(key.id)))
        members.append(("prev", .string(head.hash)))
        // Each member's `"name":value`, in canonical order, with the names alongside to place `hash` and `mac`.
        var names: [String] = []
        var segments: [Range<Int>] = []
        var encoded: [UInt8] = []
        encoded.reserveCapacity(640)
        func add(_ name: String, at index: Int, write: (inout [UInt8]) -> Void) {
            let start = encoded.count
            AuditJSON.writeString(name, into: &encoded)
            encoded.append(UInt8(ascii: ":"))
            write(&encoded)
            names.insert(name, at: index)
            segments.insert(start..<encoded.count, at: index)
        }
        for (name, value) in AuditJSON.sortedMembers(members) {
            add(name, at: names.count) { value.write(into: &$0) }
        }
        let digest = Array(SHA256.hash(data: Self.join(segments, of: encoded)))
        let hash = Hex.encode(digest)
        for (name, value) in [("hash", hash), ("mac", key.mac(hash: digest))] {
            let index = names.firstIndex { !$0.utf8.lexicographicallyPrecedes(name.utf8) } ?? names.count
            add(name, at: index) { AuditJSON.writeString(value, into: &$0) }
        }
        head = Head(seq: seq, hash: hash)
        var line = Self.join(segments, of: encoded)
        line.append(0x0A)
        return Sealed(line: line, head: head)
    }

    /// `{`, the `segments` of `encoded` separated by commas, `}`.
    private static func join(_ segments: [Range<Int>], of encoded: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count + segments.count + 2)
        out.append(UInt8(ascii: "{"))
        for (index, segment) in segments.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: encoded[segment])
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The hash a record should have: SHA-256 of its canonical form without `hash` and `mac`.
    public static func expectedHash(of record: AuditJSON) -> [UInt8] {
        Array(SHA256.hash(data: record.removing(["hash", "mac"]).canonical))
    }
}
