/// One key of a ``WebhookKeyring``: an HMAC secret or an Ed25519 public key, with an optional validity window so a
/// new key can be added before the sender switches to it and an old one can expire after the switch.
///
/// The key material never appears in ``description``, ``debugDescription`` or a `Mirror` (and so not in `dump`):
/// only its kind and length do.
public struct WebhookKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// What the key is made of.
    public enum Material: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// An HMAC-SHA256 key: the exact bytes the sender keys its HMAC with (for Slack, GitHub and Strait the
        /// UTF-8 bytes of the configured secret; for Standard Webhooks the base64-decoded part of `whsec_…`).
        case secret([UInt8])
        /// A raw 32-byte Ed25519 public key (Discord, Standard Webhooks `v1a`).
        case ed25519([UInt8])

        /// The kind and length, never the bytes.
        public var description: String {
            switch self {
            case .secret(let bytes): "secret(\(bytes.count) bytes, redacted)"
            case .ed25519(let bytes): "ed25519(\(bytes.count) bytes)"
            }
        }

        /// Same as ``description``.
        public var debugDescription: String { description }

        /// A mirror without the key bytes.
        public var customMirror: Mirror { Mirror(self, children: ["kind": description]) }
    }

    /// The key's name, as the verification result, the audit log and metrics record it. Not secret.
    public var id: String
    /// The secret or public key.
    public var material: Material
    /// The first unix second (inclusive) at which the key is accepted; `nil` for no lower bound.
    public var notBefore: Int64?
    /// The last unix second (inclusive) at which the key is accepted; `nil` for no upper bound.
    public var notAfter: Int64?

    /// A key called `id` made of `material`, accepted from `notBefore` through `notAfter` (both inclusive, unix
    /// seconds; `nil` leaves that side open).
    public init(id: String, material: Material, notBefore: Int64? = nil, notAfter: Int64? = nil) {
        self.id = id
        self.material = material
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Whether the key may verify a delivery at `unixSeconds`: `notBefore <= unixSeconds <= notAfter`.
    public func isActive(at unixSeconds: Int64) -> Bool {
        if let notBefore, unixSeconds < notBefore { return false }
        if let notAfter, unixSeconds > notAfter { return false }
        return true
    }

    /// The id, the kind of material and the validity window; never the key bytes.
    public var description: String {
        let from = notBefore.map(String.init) ?? "-"
        let until = notAfter.map(String.init) ?? "-"
        return "WebhookKey(id: \(id), \(material), valid: \(from)...\(until))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the key bytes.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "id": id, "material": material.description, "notBefore": notBefore as Any,
                "notAfter": notAfter as Any,
            ]
        )
    }
}
