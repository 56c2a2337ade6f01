import Strait
import StraitSimulator
import Testing

/// The per-IP limiter (check 2), the auth lockout (check 3) and the per-key limiter (check 7), all driven by
/// the injected manual clock.
@Suite struct RateLimitTests {
    private static func configuration(
        perIP: Int = 100,
        lockout: Bool = true
    ) -> SimulatorConfiguration {
        var configuration = SimulatorHarness.testConfiguration
        configuration.perIPRateLimit = .init(requests: perIP, window: .seconds(60))
        configuration.authLockoutEnabled = lockout
        return configuration
    }

    @Test func perIPLimitAnswersPlainText429WithHeaders() async throws {
        try await SimulatorHarness.with(configuration: Self.configuration(perIP: 3)) { sim in
            for remaining in [2, 1, 0] {
                let response = try await sim.send("GET", "/v1/no-such-path")
                #expect(response.status == 404)
                #expect(response.header("X-RateLimit-Limit") == "3")
                #expect(response.header("X-RateLimit-Remaining") == String(remaining))
                #expect(response.header("X-RateLimit-Reset") == "1777636860")
            }
            let limited = try await sim.replay("run_failed_1")
            #expect(limited.status == 429)
            #expect(limited.header("Content-Type") == "text/plain; charset=utf-8")
            #expect(limited.text == "Too Many Requests\n")
            #expect(limited.header("Retry-After") == "60")
            #expect(limited.header("X-RateLimit-Limit") == "3")
            #expect(limited.header("X-RateLimit-Remaining") == "0")
            #expect(limited.header("X-RateLimit-Reset") == "1777636860")
            #expect(limited.header("X-API-Version") == "v1")

            sim.clock.advance(by: .seconds(120))
            #expect(try await sim.replay("run_failed_1").status == 201, "two windows later the budget is back")
            #expect(sim.simulator.replayCounts().total == 1)
        }
    }

    @Test func perIPWindowSlides() async throws {
        try await SimulatorHarness.with(configuration: Self.configuration(perIP: 4)) { sim in
            for _ in 0..<4 { _ = try await sim.send("GET", "/nope") }
            sim.clock.advance(by: .seconds(60))
            // Previous window weighs 4 × (60 − 0) / 60 = 4: still limited at the start of the next window.
            #expect(try await sim.send("GET", "/nope").status == 429)
            sim.clock.advance(by: .seconds(45))
            // 4 × 15 / 60 = 1 → three more requests fit.
            for _ in 0..<3 { #expect(try await sim.send("GET", "/nope").status == 404) }
            #expect(try await sim.send("GET", "/nope").status == 429)
        }
    }

    @Test func perIPLimitCanBeDisabled() async throws {
        try await SimulatorHarness.with(configuration: Self.configuration(perIP: 0)) { sim in
            let response = try await sim.send("GET", "/nope")
            #expect(response.header("X-RateLimit-Limit") == nil)
            #expect(response.header("X-RateLimit-Reset") == nil)
        }
    }

    @Test func perKeyLimitAnswersEnvelope429WithFullWindowRetryAfter() async throws {
        try await SimulatorHarness.with { sim in
            for remaining in [2, 1, 0] {
                let response = try await sim.get("/v1/runs/run_failed_1", key: DemoKeys.rateLimited)
                #expect(response.status == 200)
                #expect(response.header("X-RateLimit-Limit") == "3")
                #expect(response.header("X-RateLimit-Remaining") == String(remaining))
            }
            sim.clock.advance(by: .seconds(30))
            let limited = try await sim.replay("no_such_run", key: DemoKeys.rateLimited)
            #expect(limited.status == 429, "the per-key limit comes before the run lookup")
            let envelope = try limited.envelope()
            #expect(envelope.error.code == "rate_limited")
            #expect(envelope.error.message == "rate limit exceeded")
            #expect(limited.header("Retry-After") == "60", "the full window, not the time left")
            #expect(limited.header("X-RateLimit-Limit") == "3")
            #expect(limited.header("X-RateLimit-Remaining") == "0")

            #expect(try await sim.replay("run_failed_1").status == 201, "other keys have their own budget")

            let badAccept = try await sim.send(
                "GET",
                "/v1/runs/run_failed_1",
                headers: [("Accept", "text/html"), ("Authorization", "Bearer \(DemoKeys.rateLimited)")]
            )
            #expect(badAccept.status == 406, "Accept is checked before the per-key limit")

            sim.clock.advance(by: .seconds(120))
            #expect(try await sim.replay("run_failed_1", key: DemoKeys.rateLimited).status == 201)
        }
    }

    @Test func defaultPerKeyLimitHeadersOnEverySuccess() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.replay("run_failed_1")
            #expect(response.header("X-RateLimit-Limit") == "1000")
            #expect(response.header("X-RateLimit-Remaining") == "999")
        }
    }

    @Test func authLockoutAfterTenFailures() async throws {
        try await SimulatorHarness.with { sim in
            for _ in 0..<10 {
                #expect(try await sim.replay("run_failed_1", key: "strait_wrong").status == 401)
            }
            sim.clock.advance(by: .milliseconds(500))
            let locked = try await sim.replay("run_failed_1")
            #expect(locked.status == 429, "even a valid key is locked out")
            let envelope = try locked.envelope()
            #expect(envelope.error.code == "rate_limited")
            #expect(envelope.error.message == "too many failed authentication attempts; retry after 59s")
            #expect(locked.header("Retry-After") == "59")

            let lockedGet = try await sim.get("/v1/runs", key: nil)
            #expect(lockedGet.status == 429, "the lockout comes before authentication on every route")

            sim.clock.advance(by: .seconds(60))
            #expect(try await sim.replay("run_failed_1").status == 201)
            #expect(sim.simulator.replayCounts().total == 1)
        }
    }

    @Test func everyKindOf401CountsTowardTheLockout() async throws {
        try await SimulatorHarness.with { sim in
            for key in [nil, "strait_wrong", DemoKeys.revoked, DemoKeys.expired, "not-strait"] {
                for _ in 0..<2 { _ = try await sim.replay("run_failed_1", key: key) }
            }
            let locked = try await sim.replay("run_failed_1")
            #expect(locked.status == 429)
            #expect(try locked.envelope().error.message == "too many failed authentication attempts; retry after 1m0s")
        }
    }

    @Test func lockoutGrowsToFiveMinutesAtTwentyFiveFailures() async throws {
        try await SimulatorHarness.with { sim in
            for _ in 0..<10 { _ = try await sim.replay("run_failed_1", key: "strait_wrong") }
            sim.clock.advance(by: .seconds(61))
            for _ in 0..<14 {
                #expect(try await sim.replay("run_failed_1", key: "strait_wrong").status == 401)
            }
            #expect(try await sim.replay("run_failed_1", key: "strait_wrong").status == 401, "the 25th failure")
            sim.clock.advance(by: .milliseconds(500))
            let locked = try await sim.replay("run_failed_1")
            #expect(try locked.envelope().error.message == "too many failed authentication attempts; retry after 4m59s")
            #expect(locked.header("Retry-After") == "299")
        }
    }

    @Test func lockoutCanBeDisabled() async throws {
        try await SimulatorHarness.with(configuration: Self.configuration(lockout: false)) { sim in
            for _ in 0..<12 { _ = try await sim.replay("run_failed_1", key: "strait_wrong") }
            #expect(try await sim.replay("run_failed_1").status == 201)
        }
    }

    @Test func perIPLimitComesBeforeTheLockout() async throws {
        try await SimulatorHarness.with(configuration: Self.configuration(perIP: 10)) { sim in
            for _ in 0..<10 { _ = try await sim.replay("run_failed_1", key: "strait_wrong") }
            let response = try await sim.replay("run_failed_1")
            #expect(response.status == 429)
            #expect(response.text == "Too Many Requests\n")
        }
    }
}
