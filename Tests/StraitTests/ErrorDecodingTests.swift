import Curl
import Testing

@testable import Strait

@Suite struct ErrorDecodingTests {
    private func response(_ status: Int, _ body: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test func decodesTheEnvelope() {
        let error = StraitAPIError(
            response: response(
                429,
                #"{"error":{"code":"enqueue_throttled","message":"enqueue throttled","details":["retry_after_seconds=2"]},"request_id":"api-7f9c/Xk3pQ9aB2c-000042"}"#
                    + "\n",
                headers: ["Retry-After": "2"]
            ),
            nowUnixSeconds: 0
        )
        #expect(error.isEnvelope)
        #expect(error.code == "enqueue_throttled")
        #expect(error.message == "enqueue throttled")
        #expect(error.details == ["retry_after_seconds=2"])
        #expect(error.requestID == "api-7f9c/Xk3pQ9aB2c-000042")
        #expect(error.retryAfter?.delay == .seconds(2))
    }

    @Test func decodesThePlainTextPerIPLimit() {
        let error = StraitAPIError(
            response: response(
                429,
                "Too Many Requests\n",
                headers: ["Retry-After": "60", "Content-Type": "text/plain"]
            ),
            nowUnixSeconds: 0
        )
        #expect(!error.isEnvelope)
        #expect(error.code == "rate_limited")
        #expect(error.message == "Too Many Requests")
        #expect(error.retryAfter?.delay == .seconds(60))
    }

    @Test func decodesChisPlainTextNotFound() {
        let error = StraitAPIError(response: response(404, "404 page not found\n"), nowUnixSeconds: 0)
        #expect(!error.isEnvelope)
        #expect(error.code == "not_found")
        #expect(error.message == "404 page not found")
    }

    @Test func describesAnEmptyGatewayTimeout() {
        let error = StraitAPIError(response: response(504, ""), nowUnixSeconds: 0)
        #expect(error.code == "internal_error")
        #expect(error.message == "HTTP 504 with an empty body")
    }

    @Test func parsesRetryAfterInBothForms() throws {
        let now: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter(headerValue: "120", nowUnixSeconds: now)?.delay == .seconds(120))
        #expect(RetryAfter(headerValue: "Sun, 06 Nov 1994 08:49:47 GMT", nowUnixSeconds: now)?.delay == .seconds(10))
        #expect(RetryAfter(headerValue: "Sunday, 06-Nov-94 08:49:47 GMT", nowUnixSeconds: now)?.delay == .seconds(10))
        #expect(RetryAfter(headerValue: "Sun Nov  6 08:49:47 1994", nowUnixSeconds: now)?.delay == .seconds(10))
        #expect(RetryAfter(headerValue: "Sun, 06 Nov 1994 08:49:00 GMT", nowUnixSeconds: now)?.delay == .zero)
        #expect(RetryAfter(headerValue: "soon", nowUnixSeconds: now) == nil)
        #expect(RetryAfter(headerValue: "-5", nowUnixSeconds: now) == nil)
        let clamped = try #require(RetryAfter(headerValue: "0", nowUnixSeconds: now))
        #expect(clamped.clamped(to: .seconds(1)...(.seconds(600))) == .seconds(1))
    }
}
