import Curl
import ReplayCore
import Strait
import Testing

/// Every row of the spec's §2 table, and the transport cases, through the real client decoding.
@Suite struct UpstreamAttemptClassifierTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let row: String
        let wire: UpstreamWire
        let expected: AttemptClass
        var testDescription: String { row }
    }

    private static func refused(
        _ status: Int,
        _ code: String,
        retryAfter: Int64? = nil,
        retryable: Bool = false
    ) -> AttemptClass {
        .refused(
            status: status,
            code: code,
            retryAfter: retryAfter.map { RetryAfter(delay: .seconds($0)) },
            retryable: retryable
        )
    }

    static let rows: [Case] = [
        Case(
            row: "1 DB backpressure 429 (also row 8 at commit time): ambiguous",
            wire: .envelope(
                429,
                code: "rate_limited",
                message: "database admission control throttled",
                details: ["retry_after_seconds=1"],
                headers: ["Retry-After": "1"]
            ),
            expected: .ambiguous(reason: .admissionThrottled(retryAfter: RetryAfter(delay: .seconds(1))))
        ),
        Case(
            row: "2 per-IP 429, plain text",
            wire: .response(
                status: 429,
                headers: [
                    "Content-Type": "text/plain; charset=utf-8", "Retry-After": "60", "X-RateLimit-Limit": "100",
                    "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1777636860",
                ],
                body: "Too Many Requests\n"
            ),
            expected: refused(429, "rate_limited", retryAfter: 60, retryable: true)
        ),
        Case(
            row: "3 auth lockout 429",
            wire: .envelope(
                429,
                code: "rate_limited",
                message: "too many failed authentication attempts; retry after 59s",
                headers: ["Retry-After": "59"]
            ),
            expected: refused(429, "rate_limited", retryAfter: 59, retryable: true)
        ),
        Case(
            row: "4 invalid api key",
            wire: .envelope(401, code: "authentication_required", message: "invalid api key"),
            expected: refused(401, "authentication_required")
        ),
        Case(
            row: "4 revoked key",
            wire: .envelope(401, code: "authentication_required", message: "api key has been revoked"),
            expected: refused(401, "authentication_required")
        ),
        Case(
            row: "4b not a strait_ bearer",
            wire: .envelope(401, code: "authentication_required", message: "invalid or missing internal secret"),
            expected: refused(401, "authentication_required")
        ),
        Case(
            row: "5 Accept",
            wire: .envelope(406, code: "internal_error", message: "this API only serves application/json"),
            expected: refused(406, "internal_error")
        ),
        Case(
            row: "6 Content-Type",
            wire: .envelope(415, code: "internal_error", message: "Content-Type must be application/json"),
            expected: refused(415, "internal_error")
        ),
        Case(
            row: "7 key rate limit 429",
            wire: .envelope(
                429,
                code: "rate_limited",
                message: "rate limit exceeded",
                headers: ["Retry-After": "60", "X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "0"]
            ),
            expected: refused(429, "rate_limited", retryAfter: 60, retryable: true)
        ),
        Case(
            row: "7b limiter fail-closed 503 (plan)",
            wire: .envelope(503, code: "service_unavailable", message: "rate limit plan unavailable"),
            expected: refused(503, "service_unavailable", retryable: true)
        ),
        Case(
            row: "7b limiter fail-closed 503 (service)",
            wire: .envelope(503, code: "service_unavailable", message: "rate limit service unavailable"),
            expected: refused(503, "service_unavailable", retryable: true)
        ),
        Case(
            row: "8 security context commit failed 500: ambiguous",
            wire: .envelope(500, code: "internal_error", message: "security context commit failed"),
            expected: .ambiguous(reason: .serverError(status: 500))
        ),
        Case(
            row: "9 scope",
            wire: .envelope(403, code: "forbidden", message: "insufficient permissions: requires runs:write"),
            expected: refused(403, "forbidden")
        ),
        Case(
            row: "10 run not found",
            wire: .envelope(404, code: "not_found", message: "run not found"),
            expected: refused(404, "not_found")
        ),
        Case(
            row: "10' chi plain-text 404 for a mistyped path",
            wire: .response(status: 404, headers: ["Content-Type": "text/plain"], body: "404 page not found\n"),
            expected: refused(404, "not_found")
        ),
        Case(
            row: "11 not replayable (400, not 409)",
            wire: .envelope(400, code: "bad_request", message: "run is not replayable"),
            expected: refused(400, "bad_request")
        ),
        Case(
            row: "12 job not found",
            wire: .envelope(400, code: "bad_request", message: "job not found for run"),
            expected: refused(400, "bad_request")
        ),
        Case(
            row: "12 job lookup 500 (rewritten, indistinguishable from 18): ambiguous",
            wire: .envelope(500, code: "internal_error", message: "internal server error"),
            expected: .ambiguous(reason: .serverError(status: 500))
        ),
        Case(
            row: "13 job disabled",
            wire: .envelope(400, code: "bad_request", message: "job is disabled"),
            expected: refused(400, "bad_request")
        ),
        Case(
            row: "14 bad from_checkpoint",
            wire: .envelope(400, code: "bad_request", message: "from_checkpoint must be a positive integer"),
            expected: refused(400, "bad_request")
        ),
        Case(
            row: "15 checkpoint not found",
            wire: .envelope(404, code: "not_found", message: "checkpoint not found"),
            expected: refused(404, "not_found")
        ),
        Case(
            row: "16 enqueue throttled",
            wire: .envelope(
                429,
                code: "enqueue_throttled",
                message: "enqueue throttled",
                details: ["retry_after_seconds=2"],
                headers: ["Retry-After": "2"]
            ),
            expected: refused(429, "enqueue_throttled", retryAfter: 2, retryable: true)
        ),
        Case(
            row: "17 idempotency conflict (unreachable on replay)",
            wire: .envelope(
                409,
                code: "conflict",
                message: "idempotency key conflict: a run with this key is already active"
            ),
            expected: refused(409, "conflict")
        ),
        Case(
            row: "18 other enqueue failure 500: ambiguous",
            wire: .envelope(500, code: "internal_error", message: "internal server error"),
            expected: .ambiguous(reason: .serverError(status: 500))
        ),
        Case(
            row: "19 request timeout 504, empty body: ambiguous",
            wire: .response(status: 504, headers: [:], body: ""),
            expected: .ambiguous(reason: .serverError(status: 504))
        ),
        Case(
            row: "19 Recoverer 500, plain text: ambiguous",
            wire: .response(status: 500, headers: [:], body: "Internal Server Error\n"),
            expected: .ambiguous(reason: .serverError(status: 500))
        ),
        Case(
            row: "proxy 502: ambiguous",
            wire: .response(status: 502, headers: [:], body: "Bad Gateway"),
            expected: .ambiguous(reason: .serverError(status: 502))
        ),
        Case(
            row: "proxy 503 without Strait's envelope: ambiguous",
            wire: .response(status: 503, headers: [:], body: "upstream connect error or disconnect/reset"),
            expected: .ambiguous(reason: .serverError(status: 503))
        ),
        Case(
            row: "422 validation",
            wire: .envelope(422, code: "validation_failed", message: "bad"),
            expected: refused(422, "validation_failed")
        ),
        Case(
            row: "201 with a run",
            wire: .response(
                status: 201,
                headers: ["Content-Type": "application/json"],
                body: #"{"id":"new-1","status":"queued","created_at":"2026-05-01T12:00:00Z"}"#
            ),
            expected: .created
        ),
        Case(
            row: "201 with a body that is not a run: ambiguous",
            wire: .response(status: 201, headers: [:], body: "<html>ok</html>"),
            expected: .ambiguous(reason: .undecodableSuccess(status: 201))
        ),
        Case(
            row: "connect refused, nothing sent",
            wire: .failure(.couldNotConnect, curl: 7, bytesSent: 0),
            expected: .notSent(.couldNotConnect)
        ),
        Case(
            row: "DNS failure, nothing sent",
            wire: .failure(.couldNotResolveHost, curl: 6, bytesSent: 0),
            expected: .notSent(.couldNotResolveHost)
        ),
        Case(
            row: "TLS handshake failure, nothing sent",
            wire: .failure(.tls, curl: 35, bytesSent: 0),
            expected: .notSent(.tls)
        ),
        Case(
            row: "connect timeout, nothing sent",
            wire: .failure(.timedOut, curl: 28, bytesSent: 0),
            expected: .notSent(.timedOut)
        ),
        Case(
            row: "timeout after sending: ambiguous",
            wire: .failure(.timedOut, curl: 28, bytesSent: 312),
            expected: .ambiguous(reason: .noResponse(.timedOut))
        ),
        Case(
            row: "empty reply after sending: ambiguous",
            wire: .failure(.receiveFailed, curl: 52, bytesSent: 312),
            expected: .ambiguous(reason: .noResponse(.receiveFailed))
        ),
        Case(
            row: "reset while sending: ambiguous",
            wire: .failure(.sendFailed, curl: 55, bytesSent: 40),
            expected: .ambiguous(reason: .noResponse(.sendFailed))
        ),
        Case(
            row: "kept connection died after the request went out, re-send refused: ambiguous",
            wire: .failure(.resendRefused, curl: 42, bytesSent: 312),
            expected: .ambiguous(reason: .noResponse(.resendRefused))
        ),
        Case(
            row: "re-send refused is ambiguous even with no byte count",
            wire: .failure(.resendRefused, curl: 42, bytesSent: 0),
            expected: .ambiguous(reason: .noResponse(.resendRefused))
        ),
    ]

    @Test(arguments: rows)
    func classifiesEverySpecRow(_ row: Case) async {
        let result = await row.wire.replayResult()
        #expect(AttemptClassifier().classify(result) == row.expected)
    }

    @Test func localInputErrorsAreTheirOwnClass() {
        let input = StraitInputError(code: .invalidCheckpoint, field: "from_checkpoint", message: "must be positive")
        #expect(AttemptClassifier().classify(.invalidInput(input)) == .invalidInput(input))
    }

    @Test func piecesMatchTheDecodedError() {
        let classifier = AttemptClassifier()
        #expect(
            classifier.classify(
                status: 429,
                code: "rate_limited",
                message: "database admission control throttled",
                isEnvelope: true,
                retryAfter: nil
            ) == .ambiguous(reason: .admissionThrottled(retryAfter: nil))
        )
        #expect(
            classifier.classify(status: 408, code: "internal_error", message: "", isEnvelope: false, retryAfter: nil)
                == .refused(status: 408, code: "internal_error", retryAfter: nil, retryable: true)
        )
        #expect(
            classifier.classify(status: 201, code: "", message: "", isEnvelope: false, retryAfter: nil) == .created
        )
    }
}
