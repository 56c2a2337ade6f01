import Strait
import StraitSimulator
import Testing

/// `/_sim/replays`, `/_sim/requests`, `/_sim/reset` and `/_sim/clock`, and the in-process accessors.
@Suite struct ControlRoutesTests {
    @Test func freshSimulatorHasSeenNothing() async throws {
        try await SimulatorHarness.with { sim in
            let requests = try await sim.send("GET", "/_sim/requests").decode(SimulatorRequestCounts.self)
            #expect(requests == SimulatorRequestCounts())
            #expect(sim.simulator.requestCount() == 0, "/_sim routes are not counted")
            let replays = try await sim.send("GET", "/_sim/replays").decode(SimulatorReplayCounts.self)
            #expect(replays == SimulatorReplayCounts())
        }
    }

    @Test func replayCountersCountCreatedRuns() async throws {
        try await SimulatorHarness.with { sim in
            _ = try await sim.replay("run_failed_1", requestID: "a")
            _ = try await sim.replay("run_failed_1", requestID: "b")
            _ = try await sim.replay("run_failed_2", requestID: "a")
            _ = try await sim.replay("run_completed_1", requestID: "c")
            let response = try await sim.send("GET", "/_sim/replays")
            #expect(response.status == 200)
            let object = try response.jsonObject()
            #expect(object["total"] == .number(3))
            #expect(object["by_original_run"] == .object(["run_failed_1": .number(2), "run_failed_2": .number(1)]))
            #expect(object["by_request_id"] == .object(["a": .number(2), "b": .number(1)]))
            #expect(sim.simulator.replayCounts().total == 3)
        }
    }

    @Test func requestCountersCountEveryNonControlRequestByRoute() async throws {
        var configuration = SimulatorHarness.testConfiguration
        configuration.perIPRateLimit = .init(requests: 5, window: .seconds(60))
        try await SimulatorHarness.with(configuration: configuration) { sim in
            _ = try await sim.replay("run_failed_1")
            _ = try await sim.replay("run_failed_1", key: "strait_wrong")
            _ = try await sim.get("/v1/runs/run_failed_1")
            _ = try await sim.get("/v1/runs")
            _ = try await sim.get("/v1/runs/run_failed_1/checkpoints")
            _ = try await sim.send("GET", "/nowhere")
            _ = try await sim.send("GET", "/_sim/faults")
            #expect(try await sim.replay("run_failed_1").status == 429, "rate-limited requests are counted too")
            let counts = try await sim.send("GET", "/_sim/requests").decode(SimulatorRequestCounts.self)
            #expect(counts.total == 7)
            #expect(
                counts.byRoute == [
                    "POST /v1/runs/{runID}/replay": 3,
                    "GET /v1/runs/{runID}": 1,
                    "GET /v1/runs": 1,
                    "GET /v1/runs/{runID}/checkpoints": 1,
                    "unmatched": 1,
                ]
            )
            #expect(sim.simulator.requestCount() == 7)
        }
    }

    @Test func resetRestoresFixturesFaultsCountersAndLimits() async throws {
        let initial = SimulatorFaultPlan(faults: [
            SimulatorFaultRule(.enqueueFailed(status: 503), runID: "run_failed_2")
        ])
        try await SimulatorHarness.with(faults: initial) { sim in
            let created = try await sim.replay("run_failed_1").decode(JobRun.self)
            #expect(try await sim.replay("run_failed_2").status == 503)
            for _ in 0..<10 { _ = try await sim.replay("run_failed_1", key: "strait_wrong") }
            #expect(try await sim.replay("run_failed_1").status == 429)

            let reset = try await sim.send("POST", "/_sim/reset")
            #expect(reset.status == 200)
            #expect(sim.simulator.replayCounts() == SimulatorReplayCounts())
            #expect(sim.simulator.requestCounts() == SimulatorRequestCounts())
            #expect(sim.simulator.faults() == initial)
            #expect(sim.simulator.storedRun(id: created.id) == nil)
            #expect(try await sim.get("/v1/runs/\(created.id)").status == 404)
            #expect(try await sim.replay("run_failed_2").status == 503, "the initial plan is armed again")
        }
    }

    @Test func clockRouteReportsBothClocksSoClientsCanFindTheWindowOffset() async throws {
        try await SimulatorHarness.with { sim in
            sim.clock.advance(by: .milliseconds(75_250))
            let response = try await sim.send("GET", "/_sim/clock")
            #expect(response.status == 200)
            let object = try response.jsonObject()
            #expect(object["monotonic_ms"] == .number(75_250))
            #expect(object["unix_ms"] == .number(1_777_636_875_250))
            #expect(try await sim.send("POST", "/_sim/clock").status == 405)
            #expect(sim.simulator.requestCount() == 0, "/_sim/clock is not counted")
        }
    }

    @Test func controlRoutesRefuseWrongMethodsAndPaths() async throws {
        try await SimulatorHarness.with { sim async throws in
            #expect(try await sim.send("GET", "/_sim/reset").status == 405)
            #expect(try await sim.send("PUT", "/_sim/faults").headerValues("Allow") == ["GET", "POST", "DELETE"])
            #expect(try await sim.send("GET", "/_sim/nothing").status == 404)
            #expect(sim.simulator.requestCount() == 0)
        }
    }
}
