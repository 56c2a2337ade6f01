import HTTPServer
import NIOHTTP1
import RawStructuredFieldValues
import ReplayCore

/// The IETF rate-limit response fields (draft-ietf-httpapi-ratelimit-headers-10), as RFC 9651 structured-field
/// lists, one member per policy that applied:
///
/// ```
/// RateLimit-Policy: "principal";q=30;w=60, "global";q=100;w=1
/// RateLimit: "principal";r=4;t=2, "global";r=99;t=1
/// ```
///
/// `q` is the policy's request count per window `w` (seconds); `r` is how many requests would pass right now
/// (at most the burst); `t` is the seconds until the full burst is available again. No `X-RateLimit-*` fields.
public enum RateLimitFields {
    /// The `RateLimit-Policy` value for `statuses`, or `nil` when there are none.
    public static func policy(_ statuses: [RateLimitStatus]) -> String? {
        list(
            statuses.map { status in
                (
                    status.name,
                    [("q", Int64(status.limit.count)), ("w", Int64(status.limit.windowSeconds))]
                )
            }
        )
    }

    /// The `RateLimit` value for `statuses`, or `nil` when there are none.
    public static func state(_ statuses: [RateLimitStatus]) -> String? {
        list(
            statuses.map { status in
                (status.name, [("r", Int64(max(0, status.remaining))), ("t", Int64(max(0, status.resetSeconds)))])
            }
        )
    }

    /// Sets both fields on `headers` (replacing any already there).
    public static func apply(_ statuses: [RateLimitStatus], to headers: inout HTTPHeaders) {
        guard let policy = policy(statuses), let state = state(statuses) else { return }
        headers.replaceOrAdd(name: "RateLimit-Policy", value: policy)
        headers.replaceOrAdd(name: "RateLimit", value: state)
    }

    /// Sets the fields of `decision` on `response`, and `Retry-After` when it refused.
    public static func apply(_ decision: RateLimitDecision?, to response: inout HTTPServerResponse) {
        guard let decision else { return }
        apply(decision.statuses, to: &response.headers)
        if let seconds = decision.retryAfterSeconds {
            response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
        }
    }

    private static func list(_ members: [(String, [(String, Int64)])]) -> String? {
        guard !members.isEmpty else { return nil }
        let items = members.map { name, parameters -> ItemOrInnerList in
            var map = OrderedMap<String, RFC9651BareItem>()
            for (key, value) in parameters { map[key] = .integer(value) }
            return .item(Item(bareItem: .string(name), parameters: map))
        }
        var serializer = StructuredFieldValueSerializer()
        guard let bytes = try? serializer.writeListFieldValue(items) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
