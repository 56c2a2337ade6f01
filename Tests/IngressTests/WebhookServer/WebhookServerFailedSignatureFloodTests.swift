import Curl
import Ingress
import ReplayCore
import Testing

/// Issue 11's acceptance for failed-auth throttling, on real sockets and a manual clock: a thousand failed
/// signatures from one client address block that address before verification, with growing blocks up to the
/// cap and never for good; another address is not affected.
@Suite struct WebhookServerFailedSignatureFloodTests {
    @Test func aThousandFailedSignaturesFromOneClientBlockItAndAnotherClientIsUnaffected() async throws {
        let handler = WebhookStubHandler { request in
            request.header("X-Good") == nil
                ? WebhookHTTPResponse(status: 401, verificationFailed: true)
                : WebhookHTTPResponse(status: 200)
        }
        let policy = FailureThrottlePolicy()
        let harness = try WebhookServerHarness(handler: handler) {
            $0.trustedProxies = [try CIDR("127.0.0.1")]
            // The pre-auth bucket is not what is tested here: let the whole flood reach the throttle.
            $0.preAuthLimit = PreAuthLimit(ratePerSecond: 10_000, burst: 100_000)
        }
        try await harness.start()
        let attacker: HTTPHeaders = ["X-Forwarded-For": "203.0.113.9"]
        let bystander: HTTPHeaders = ["X-Forwarded-For": "198.51.100.7", "X-Good": "1"]
        var statuses: [Int: Int] = [:]
        for index in 0..<1000 {
            let answer = try await harness.post("/hooks/slack", headers: attacker)
            statuses[answer.status, default: 0] += 1
            if index == 500 {
                // Midway through the flood, another client's delivery is verified and answered as usual.
                #expect(try await harness.post("/hooks/slack", headers: bystander).status == 200)
            }
        }
        // Only the first `threshold` failures reached signature verification; the rest were refused at the head.
        #expect(statuses[401] == policy.threshold)
        #expect(statuses[429] == 1000 - policy.threshold)
        #expect(handler.callCount == policy.threshold + 1)
        let blocked = try await harness.post("/hooks/slack", headers: attacker)
        #expect(blocked.status == 429)
        #expect(blocked.headers["Retry-After"] == "\(policy.initialBlock.components.seconds)")
        #expect(try await harness.post("/hooks/slack", headers: bystander).status == 200)

        // The block ends: the client is let through again (never locked out for good), and the next block is longer.
        harness.clock.advance(by: policy.initialBlock)
        for _ in 0..<policy.threshold {
            #expect(try await harness.post("/hooks/slack", headers: attacker).status == 401)
        }
        let second = try await harness.post("/hooks/slack", headers: attacker)
        #expect(second.headers["Retry-After"] == "\(policy.blockDuration(forBlockNumber: 2).components.seconds)")
        try await harness.stop()
    }
}

/// The webhook listener's answers carry the source's pre-auth bucket as IETF rate-limit fields.
@Suite struct WebhookServerRateLimitFieldsTests {
    @Test func answersCarryTheSourcesBucketAndA429SaysWhenToRetry() async throws {
        let harness = try WebhookServerHarness {
            $0.preAuthLimit = PreAuthLimit(ratePerSecond: 2, burst: 3)
        }
        try await harness.start()
        var remaining: [StructuredFieldListReader.Bare?] = []
        for _ in 0..<4 {
            let answer = try await harness.post("/hooks/slack")
            let policy = try StructuredFieldListReader.parse(try #require(answer.headers["RateLimit-Policy"]))
            #expect(policy.count == 1)
            #expect(policy.first?.item == .string("webhook"))
            #expect(policy.first?.parameter("q") == .integer(2))
            #expect(policy.first?.parameter("w") == .integer(1))
            let state = try StructuredFieldListReader.parse(try #require(answer.headers["RateLimit"]))
            remaining.append(state.first?.parameter("r"))
            if answer.status == 429 {
                #expect(answer.headers["Retry-After"] == "1")
                #expect(state.first?.parameter("t") == .integer(2))
            }
        }
        #expect(remaining == [.integer(2), .integer(1), .integer(0), .integer(0)])
        try await harness.stop()
    }
}
