import Audit
import Crypto

/// The `Idempotency-Key` replayd sends to Strait on every attempt of one record: defence in depth under replayd's
/// own exactly-once (claims, attempts recorded before they are sent, reconciliation by request id).
///
/// Strait ignores the header on `POST /v1/runs/{id}/replay` today (its idempotency middleware is mounted on its
/// other POST routes), so nothing changes there; if it is mounted on replay later, a re-sent attempt gets the
/// first attempt's run back instead of a second run.
///
/// **Derivation.** `replayd-` followed by the lowercase hex SHA-256 of the length-prefixed fields
/// `replayd-upstream-idempotency-v1`, the record's principal, its idempotency key, its request fingerprint and
/// the request id of the request that created it (unique per claim). So the value is:
/// - **stable** across the attempts of the record and across instances (every field is stored with the record);
/// - **distinct** for two principals using the same key (Strait scopes a key per API key, and every replayd
///   instance shares one), and for a record that re-uses a key after the old one was pruned (Strait keeps a key
///   24 hours; `[replays] retention` may be as short as a minute);
/// - **the one `replayctl explain` shows** for the same request (no clock in it);
/// - **72 bytes**, under Strait's 256-byte limit whatever the caller's key;
/// - **opaque**: it reveals neither the principal nor the caller's key.
public enum UpstreamIdempotencyKey {
    /// The header's name.
    public static let headerName = "Idempotency-Key"
    /// The value's prefix.
    public static let prefix = "replayd-"

    /// The key for every attempt of `record`.
    public static func forRecord(_ record: ReplayRecord) -> String {
        derive(
            principal: record.principal,
            key: record.key,
            fingerprint: record.fingerprint,
            requestID: record.requestID
        )
    }

    /// The key for a record with these fields.
    public static func derive(principal: String, key: String, fingerprint: String, requestID: String) -> String {
        var material = ""
        for field in ["replayd-upstream-idempotency-v1", principal, key, fingerprint, requestID] {
            material += "\(field.utf8.count):\(field)\n"
        }
        let digest = SHA256.hash(data: Array(material.utf8))
        return prefix + Hex.encode(digest)
    }
}
