import Foundation
import Strait
import StraitSimulator
import Testing

/// `Idempotency-Key` on the replay route: ignored, as on the real route today (spec §4), or honoured as Strait's
/// idempotency middleware does on its other POST routes, behind `honorsReplayIdempotencyKey`.
@Suite struct ReplayIdempotencyKeyTests {
    private static let honouring = SimulatorConfiguration(hostname: "test-host", honorsReplayIdempotencyKey: true)

    private static func runID(_ response: RawHTTPResponse) throws -> String {
        try response.decode(JobRun.self).id
    }

    @Test func ignoredByDefaultEveryRepeatCreatesARun() async throws {
        try await SimulatorHarness.with { sim in
            let key = [("Idempotency-Key", "replayd-k1")]
            let first = try await sim.replay("run_failed_1", requestID: "rq-1", extraHeaders: key)
            let second = try await sim.replay("run_failed_1", requestID: "rq-2", extraHeaders: key)
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(try Self.runID(first) != Self.runID(second))
            #expect(second.header("Idempotency-Replayed") == nil)
            let counts = sim.simulator.replayCounts()
            #expect(counts.total == 2)
            #expect(counts.byIdempotencyKey == ["replayd-k1": 2])
            #expect(counts.requestIDsByIdempotencyKey == ["replayd-k1": ["rq-1", "rq-2"]])
            #expect(counts.idempotencyReplayed == 0)
        }
    }

    @Test func honouredARepeatReturnsTheFirstRun() async throws {
        try await SimulatorHarness.with(configuration: Self.honouring) { sim in
            let key = [("Idempotency-Key", "replayd-k1")]
            let first = try await sim.replay("run_failed_1", requestID: "rq-1", extraHeaders: key)
            let second = try await sim.replay("run_failed_1", requestID: "rq-2", extraHeaders: key)
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(try Self.runID(first) == Self.runID(second))
            #expect(second.body == first.body)
            #expect(second.header("Idempotency-Replayed") == "true")
            #expect(first.header("Idempotency-Replayed") == nil)
            let other = try await sim.replay(
                "run_failed_1",
                requestID: "rq-3",
                extraHeaders: [("Idempotency-Key", "k2")]
            )
            #expect(try Self.runID(other) != Self.runID(first))
            let counts = sim.simulator.replayCounts()
            #expect(counts.total == 2)
            #expect(counts.idempotencyReplayed == 1)
            #expect(counts.requestIDsByIdempotencyKey == ["replayd-k1": ["rq-1", "rq-2"], "k2": ["rq-3"]])
        }
    }

    /// The middleware keeps the handler's 201 even when the connection then dies: a re-send gets that run.
    @Test func honouredAReSendAfterAResetGetsTheCommittedRun() async throws {
        let plan = SimulatorFaultPlan(faults: [SimulatorFaultRule(.afterCommit(.reset))])
        try await SimulatorHarness.with(configuration: Self.honouring, faults: plan) { sim in
            let headers = [
                ("Accept", "application/json"), ("Authorization", "Bearer \(DemoKeys.write)"),
                ("X-Request-Id", "rq-1"), ("Idempotency-Key", "replayd-k1"),
            ]
            _ = try await sim.exchange("POST", "/v1/runs/run_failed_1/replay", headers: headers, timeout: .seconds(300))
            #expect(sim.simulator.replayCounts().total == 1)
            let again = try await sim.replay(
                "run_failed_1",
                requestID: "rq-2",
                extraHeaders: [("Idempotency-Key", "replayd-k1")]
            )
            #expect(again.status == 201)
            #expect(again.header("Idempotency-Replayed") == "true")
            let created = try again.decode(JobRun.self)
            #expect(created.metadata?["_sentry_request_id"] == .string("rq-1"))
            #expect(sim.simulator.replayCounts().total == 1)
        }
    }

    /// Only 2xx answers are kept: after a 500 raised at commit, a re-send runs the handler again (as Strait does),
    /// which is why replayd reconciles an ambiguous attempt before it sends another one.
    @Test func honouredAnErrorAnswerIsNotKept() async throws {
        let plan = SimulatorFaultPlan(faults: [SimulatorFaultRule(.afterCommit(.status500))])
        try await SimulatorHarness.with(configuration: Self.honouring, faults: plan) { sim in
            let key = [("Idempotency-Key", "replayd-k1")]
            #expect(try await sim.replay("run_failed_1", requestID: "rq-1", extraHeaders: key).status == 500)
            let again = try await sim.replay("run_failed_1", requestID: "rq-2", extraHeaders: key)
            #expect(again.status == 201)
            #expect(again.header("Idempotency-Replayed") == nil)
            #expect(sim.simulator.replayCounts().total == 2)
        }
    }

    @Test func honouredAKeyOver256BytesIsRefused() async throws {
        try await SimulatorHarness.with(configuration: Self.honouring) { sim in
            let long = [("Idempotency-Key", String(repeating: "k", count: 257))]
            let refused = try await sim.replay("run_failed_1", extraHeaders: long)
            #expect(refused.status == 400)
            #expect(try refused.envelope().error.message == "idempotency key must be 256 characters or fewer")
            let fits = [("Idempotency-Key", String(repeating: "k", count: 256))]
            #expect(try await sim.replay("run_failed_1", extraHeaders: fits).status == 201)
            #expect(sim.simulator.replayCounts().total == 1)
        }
    }
}
