/// Why a delivery's signature was not accepted. ``code`` is what the audit log and metrics record; ``message`` is a
/// sentence for the operator that names headers and keys but never contains a signature, a secret or a header value.
public struct WebhookVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable reason, recorded as its raw value.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The signature header (or a header the signature covers, such as `webhook-id`) is absent or empty.
        case missingSignature = "missing_signature"
        /// The signature header is present but is not in the scheme's format (wrong prefix, not hex or base64,
        /// wrong length, too many entries).
        case malformedSignature = "malformed_signature"
        /// The scheme signs a timestamp and its header is absent or empty.
        case missingTimestamp = "missing_timestamp"
        /// The timestamp header is not a decimal number of unix seconds.
        case malformedTimestamp = "malformed_timestamp"
        /// The signed timestamp is further from `now` than the tolerance, in either direction.
        case staleTimestamp = "stale_timestamp"
        /// The signature names a scheme version or key kind the keyring does not have (Slack `v1=`, Standard
        /// Webhooks `v2,`, Strait `v2=`, GitHub with only `sha1=`, or `v1a` with no Ed25519 key configured).
        case unknownKeyID = "unknown_key_id"
        /// The keyring has keys of the right kind, but every one is outside its validity window at `now`.
        case noActiveKey = "no_active_key"
        /// The signature is well formed, but no active key verifies it.
        case badSignature = "bad_signature"
    }

    /// The reason.
    public var code: Code
    /// A sentence for the operator; never contains a secret or a signature.
    public var message: String

    /// An error with this code and message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code.rawValue): \(message)" }
}
