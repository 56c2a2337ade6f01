/// Signature header values written `<scheme>=<hex>` (Slack `v0=`, GitHub `sha256=`, Strait `v1=`).
enum PrefixedHexSignature {
    /// The `byteCount` bytes after `prefix=` in `value`.
    ///
    /// Throws `unknown_key_id` when `value` names another scheme in the sender's own naming (`otherScheme` says
    /// which prefixes look like one, such as `v1` for Slack) and `malformed_signature` for anything else that is
    /// not `prefix=` followed by exactly `byteCount` bytes of hex. Never puts the value in the message.
    static func parse(
        _ value: Substring,
        prefix: String,
        byteCount: Int,
        header: String,
        lowercaseOnly: Bool = false,
        otherScheme: (Substring) -> Bool
    ) throws(WebhookVerificationError) -> [UInt8] {
        guard let equals = value.firstIndex(of: "=") else {
            throw malformed(header, prefix)
        }
        let scheme = value[..<equals]
        guard scheme == prefix else {
            if otherScheme(scheme) {
                throw WebhookVerificationError(
                    .unknownKeyID,
                    "The \(header) header uses a signature scheme other than \(prefix)=, which replayd does not verify."
                )
            }
            throw malformed(header, prefix)
        }
        let hex = value[value.index(after: equals)...]
        guard hex.utf8.count == byteCount * 2, let bytes = SignatureHex.decode(hex, lowercaseOnly: lowercaseOnly)
        else {
            let digits = lowercaseOnly ? "lowercase hex digits" : "hex digits"
            throw WebhookVerificationError(
                .malformedSignature,
                "The \(header) header is not \(prefix)= followed by \(byteCount * 2) \(digits)."
            )
        }
        return bytes
    }

    /// Whether `scheme` is `v` followed by decimal digits, as Slack and Strait number their schemes.
    static func isVersion(_ scheme: Substring) -> Bool {
        let utf8 = scheme.utf8
        guard utf8.count > 1, utf8.first == UInt8(ascii: "v") else { return false }
        return utf8.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func malformed(_ header: String, _ prefix: String) -> WebhookVerificationError {
        WebhookVerificationError(.malformedSignature, "The \(header) header is not in the form \(prefix)=<hex>.")
    }
}
