import NIOHTTP1
import Strait

extension SimulatorStore {
    /// An authenticated caller that passed checks 3-7, with the headers every later response carries.
    struct Caller: Sendable {
        var key: SimulatorFixtures.APIKey
        var requestID: String
        var headers: HTTPHeaders
    }

    /// The outcome of checks 3-7.
    enum Admission: Sendable {
        case admitted(Caller)
        case refused(SimulatorResponse)
    }

    /// The media ranges Strait's Accept check lets through (`middleware.go:74-111`).
    private static let acceptedMediaRanges: Set<String> = [
        "*/*", "application/json", "application/*", "application/x-ndjson", "text/csv",
    ]

    /// Checks 3 (auth lockout), 4 (API key), 5 (Accept), 6 (Content-Type) and 7 (per-key limit), in that order.
    mutating func admit(
        _ request: SimulatorRequest,
        requestID: String,
        now: Now,
        headers: HTTPHeaders
    ) -> Admission {
        var headers = headers
        func refuse(_ status: Int, _ message: String, code: String? = nil) -> Admission {
            .refused(.envelope(status: status, code: code, message: message, requestID: requestID, headers: headers))
        }

        // 3. Lockout after repeated failed authentications from this IP.
        if configuration.authLockoutEnabled,
            let remaining = lockout.remainingLock(ip: request.remoteIP, now: now.monotonic)
        {
            let seconds = remaining.components.seconds
            headers.replaceOrAdd(name: "Retry-After", value: String(max(1, seconds)))
            return refuse(
                429,
                "too many failed authentication attempts; retry after \(GoDuration.format(seconds: seconds))"
            )
        }

        // 4. Authentication: only `Bearer strait_` (case-sensitive, one space) reaches API-key auth.
        let authorization = request.header("Authorization") ?? ""
        let token = String(authorization.dropFirst("Bearer ".count))
        var failure: String?
        var key: SimulatorFixtures.APIKey?
        if !authorization.hasPrefix("Bearer strait_") {
            failure = "invalid or missing internal secret"
        } else if let found = dataset.key(hash: SHA256.hexDigest(of: token)) {
            if found.revoked {
                failure = "api key has been revoked"
            } else if found.expired {
                failure = "api key has expired"
            } else {
                key = found
            }
        } else {
            failure = "invalid api key"
        }
        guard let key else {
            if configuration.authLockoutEnabled { lockout.recordFailure(ip: request.remoteIP, now: now.monotonic) }
            return refuse(401, failure ?? "invalid api key")
        }

        // 5. Accept.
        if let accept = request.header("Accept"), !accept.isEmpty, !Self.isAcceptable(accept) {
            return refuse(406, "this API only serves application/json", code: "internal_error")
        }

        // 6. Content-Type, when a body or a Content-Type is sent.
        let contentType = request.header("Content-Type") ?? ""
        if request.bodyLength > 0 || !contentType.isEmpty, Self.mediaType(contentType) != "application/json" {
            return refuse(415, "Content-Type must be application/json", code: "internal_error")
        }

        // 7. Per-key limit: the key's override, else the default.
        let limit =
            key.rateLimit.map {
                SimulatorConfiguration.RateLimit(requests: $0.requests, window: .seconds($0.windowSecs))
            } ?? configuration.apiKeyRateLimit
        if limit.isEnabled {
            let decision = keyLimiter.attempt(key: key.id, limit: limit, now: now.monotonic)
            headers.replaceOrAdd(name: "X-RateLimit-Limit", value: String(decision.limit))
            headers.replaceOrAdd(name: "X-RateLimit-Remaining", value: String(max(0, decision.remaining)))
            if !decision.allowed {
                headers.replaceOrAdd(name: "Retry-After", value: String(Self.wholeSeconds(limit.window)))
                return refuse(429, "rate limit exceeded")
            }
        }
        return .admitted(Caller(key: key, requestID: requestID, headers: headers))
    }

    /// Check 9: the 403 when the caller's key lacks `scope`, or `nil` when it grants it.
    func requireScope(_ scope: String, _ caller: Caller) -> SimulatorResponse? {
        guard !caller.key.grants(scope) else { return nil }
        return .envelope(
            status: 403,
            message: "insufficient permissions: requires \(scope)",
            requestID: caller.requestID,
            headers: caller.headers
        )
    }

    private static func isAcceptable(_ accept: String) -> Bool {
        accept.split(separator: ",").contains { range in
            acceptedMediaRanges.contains(mediaType(String(range)))
        }
    }

    /// The media type of a header value: before any `;`, trimmed, lowercased.
    private static func mediaType(_ value: String) -> String {
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.trimmingBlanks().lowercased()
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    func trimmingBlanks() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
