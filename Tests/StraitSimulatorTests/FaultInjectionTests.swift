import Foundation
import Strait
import StraitSimulator
import Testing

/// Before-commit faults create nothing; after-commit faults create and count the run, then break the answer.
@Suite struct FaultInjectionTests {
    private static func plan(_ rules: SimulatorFaultRule...) -> SimulatorFaultPlan {
        SimulatorFaultPlan(faults: rules)
    }

    @Test(arguments: [(503, "service_unavailable"), (500, "internal_error")])
    func beforeCommitServerErrorCreatesNoRun(_ status: Int, _ code: String) async throws {
        try await SimulatorHarness.with(faults: Self.plan(SimulatorFaultRule(.enqueueFailed(status: status)))) { sim in
            let response = try await sim.replay("run_failed_1", requestID: "rid-before")
            #expect(response.status == status)
            let envelope = try response.envelope()
            #expect(envelope.error.code == code)
            #expect(envelope.error.message == "internal server error")
            #expect(envelope.error.details == nil)
            #expect(sim.simulator.replayCounts().total == 0)
            let found = try await sim.get("/v1/runs?metadata_key=_sentry_request_id&metadata_value=rid-before")
            #expect(try found.decode(RunList.self).data.isEmpty)

            #expect(try await sim.replay("run_failed_1").status == 201, "count 1: the fault is used up")
        }
    }

    @Test func admissionThrottleIsTheVeryFirstCheck() async throws {
        let fault = SimulatorFaultRule(.admissionThrottled(retryAfterSeconds: 2), count: 2)
        try await SimulatorHarness.with(faults: Self.plan(fault)) { sim in
            let unauthenticated = try await sim.replay("no_such_run", key: nil)
            #expect(unauthenticated.status == 429, "it fires before auth and before the run lookup")
            let envelope = try unauthenticated.envelope()
            #expect(envelope.error.code == "rate_limited")
            #expect(envelope.error.message == "database admission control throttled")
            #expect(envelope.error.details == ["retry_after_seconds=2"])
            #expect(unauthenticated.header("Retry-After") == "2")
            #expect(try await sim.replay("run_failed_1").status == 429)
            #expect(try await sim.replay("run_failed_1").status == 201)
            #expect(sim.simulator.replayCounts().total == 1)
        }
    }

    @Test func enqueueThrottleFiresOnlyAfterEveryCheckPasses() async throws {
        let fault = SimulatorFaultRule(.enqueueThrottled(retryAfterSeconds: 3))
        try await SimulatorHarness.with(faults: Self.plan(fault)) { sim in
            #expect(try await sim.replay("run_failed_1", key: "strait_wrong").status == 401)
            #expect(try await sim.replay("run_completed_1").status == 400)
            #expect(sim.simulator.faults().faults.count == 1, "refused requests do not use up the fault")

            let throttled = try await sim.replay("run_failed_1")
            #expect(throttled.status == 429)
            let envelope = try throttled.envelope()
            #expect(envelope.error.code == "enqueue_throttled")
            #expect(envelope.error.message == "enqueue throttled")
            #expect(envelope.error.details == ["retry_after_seconds=3"])
            #expect(throttled.header("Retry-After") == "3")
            #expect(sim.simulator.replayCounts().total == 0)
            #expect(sim.simulator.faults().faults.isEmpty)
        }
    }

    @Test func runIDMatchesOnlyThatRun() async throws {
        let fault = SimulatorFaultRule(.enqueueFailed(status: 503), count: 5, runID: "run_failed_2")
        try await SimulatorHarness.with(faults: Self.plan(fault)) { sim async throws in
            #expect(try await sim.replay("run_failed_1").status == 201)
            #expect(try await sim.replay("run_failed_2").status == 503)
            #expect(sim.simulator.faults().faults.first?.count == 4)
        }
    }

    @Test(arguments: [
        (SimulatorFault.AfterCommitMode.status500, 500), (.status504, 504), (.status429, 429),
    ])
    func afterCommitStatusStillCreatesTheRun(_ mode: SimulatorFault.AfterCommitMode, _ status: Int) async throws {
        try await SimulatorHarness.with(faults: Self.plan(SimulatorFaultRule(.afterCommit(mode)))) { sim in
            let response = try await sim.replay("run_failed_1", requestID: "rid-after-\(status)")
            #expect(response.status == status)
            switch mode {
            case .status500:
                #expect(try response.envelope().error.message == "internal server error")
            case .status504:
                #expect(response.body.isEmpty)
            default:
                #expect(try response.envelope().error.message == "database admission control throttled")
                #expect(response.header("Retry-After") == "1")
            }
            #expect(sim.simulator.replayCounts().byRequestID == ["rid-after-\(status)": 1])
            let found = try await sim.get("/v1/runs?metadata_key=_sentry_request_id&metadata_value=rid-after-\(status)")
            let runs = try found.decode(RunList.self).data
            #expect(runs.count == 1, "the ambiguous failure really did create the run")
            #expect(runs.first?.status == .queued)
        }
    }

    @Test func afterCommitResetCreatesTheRunAndResetsTheConnection() async throws {
        try await SimulatorHarness.with(faults: Self.plan(SimulatorFaultRule(.afterCommit(.reset)))) { sim in
            let outcome = try await sim.exchange(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: [("Authorization", "Bearer \(DemoKeys.write)"), ("X-Request-Id", "rid-reset")],
                timeout: SimulatorHarness.hangGuard
            )
            guard case .reset = outcome else {
                Issue.record("expected a reset, got \(outcome)")
                return
            }
            #expect(sim.simulator.replayCounts().byRequestID == ["rid-reset": 1])
            #expect(try await sim.replay("run_failed_1").status == 201, "the simulator keeps serving")
        }
    }

    @Test func afterCommitStallCreatesTheRunAndNeverAnswers() async throws {
        try await SimulatorHarness.with(faults: Self.plan(SimulatorFaultRule(.afterCommit(.stall)))) { sim in
            let outcome = try await sim.exchange(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: [("Authorization", "Bearer \(DemoKeys.write)"), ("X-Request-Id", "rid-stall")],
                timeout: SimulatorHarness.hangGuard,
                quietUntil: { [simulator = sim.simulator] in simulator.replayCounts().byRequestID["rid-stall"] == 1 }
            )
            guard case .timedOut = outcome else {
                Issue.record("expected no answer, got \(outcome)")
                return
            }
            #expect(sim.simulator.replayCounts().byRequestID == ["rid-stall": 1])
            #expect(try await sim.replay("run_failed_1").status == 201, "other connections are still served")
        }
    }

    @Test func stallEndsAtTheStallTimeout() async throws {
        var configuration = SimulatorHarness.testConfiguration
        configuration.stallTimeout = .milliseconds(200)
        let faults = Self.plan(SimulatorFaultRule(.afterCommit(.stall)))
        try await SimulatorHarness.with(configuration: configuration, faults: faults) { sim in
            let outcome = try await sim.exchange(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: [("Authorization", "Bearer \(DemoKeys.write)")],
                timeout: SimulatorHarness.hangGuard
            )
            guard case .closedWithoutResponse = outcome else {
                Issue.record("expected the simulator to close the stalled connection, got \(outcome)")
                return
            }
            #expect(sim.simulator.replayCounts().total == 1)
        }
    }

    @Test func latencyRuleDelaysMatchingRequests() async throws {
        let fault = SimulatorFaultRule(.latency(milliseconds: 250), count: 1)
        try await SimulatorHarness.with(faults: Self.plan(fault)) { sim async throws in
            let start = ContinuousClock.now
            #expect(try await sim.replay("run_failed_1").status == 201)
            #expect(ContinuousClock.now - start >= .milliseconds(250))
            #expect(sim.simulator.faults().faults.isEmpty, "count 1: used up by one request")
        }
    }

    @Test func globalLatencyAppliesToEveryRequest() async throws {
        try await SimulatorHarness.with { sim in
            let set = try await sim.send("POST", "/_sim/faults", body: #"{"latency_ms":150}"#)
            #expect(set.status == 200)
            for _ in 0..<2 {
                let start = ContinuousClock.now
                _ = try await sim.get("/v1/runs/run_failed_1")
                #expect(ContinuousClock.now - start >= .milliseconds(150))
            }
        }
    }

    @Test func listFailureBreaksOnlyTheList() async throws {
        try await SimulatorHarness.with(faults: Self.plan(SimulatorFaultRule(.listFailure(status: 503)))) { sim in
            #expect(try await sim.get("/v1/runs/run_failed_1").status == 200)
            #expect(try await sim.get("/v1/runs", key: DemoKeys.revoked).status == 401, "auth comes first")
            let failed = try await sim.get("/v1/runs")
            #expect(failed.status == 503)
            #expect(try failed.envelope().error.code == "service_unavailable")
            #expect(try failed.envelope().error.message == "internal server error")
            #expect(try await sim.get("/v1/runs").status == 200)
        }
    }

    @Test func faultsRouteReplacesReadsAndClearsThePlan() async throws {
        try await SimulatorHarness.with { sim in
            let body = #"""
                {"faults":[{"kind":"after_commit","mode":"status_500","run_id":"run_failed_2"},
                           {"kind":"before_commit","status":429,"code":"enqueue_throttled","retry_after":4,"count":2}]}
                """#
            let set = try await sim.send("POST", "/_sim/faults", body: body)
            #expect(set.status == 200)
            let plan = try await sim.send("GET", "/_sim/faults").decode(SimulatorFaultPlan.self)
            #expect(
                plan.faults == [
                    SimulatorFaultRule(.afterCommit(.status500), runID: "run_failed_2"),
                    SimulatorFaultRule(.enqueueThrottled(retryAfterSeconds: 4), count: 2),
                ]
            )
            #expect(try await sim.replay("run_failed_1").status == 429)
            let cleared = try await sim.send("DELETE", "/_sim/faults")
            #expect(cleared.status == 200)
            #expect(try await sim.send("GET", "/_sim/faults").decode(SimulatorFaultPlan.self) == .none)
            #expect(try await sim.replay("run_failed_1").status == 201)
            #expect(sim.simulator.requestCounts().byRoute.keys.allSatisfy { !$0.contains("_sim") })
        }
    }

    @Test(arguments: [
        (#"{"faults":[{"kind":"before_commit","status":418}]}"#, "faults[0].status: must be 429, 500 or 503"),
        (#"{"faults":[{"kind":"teleport"}]}"#, "faults[0].kind: must be"),
        (
            #"{"faults":[{"kind":"after_commit","mode":"reset","retry_after":1}]}"#,
            "faults[0].retry_after: unknown field"
        ),
        (#"{"faults":[{"kind":"after_commit","mode":"explode"}]}"#, "faults[0].mode: must be one of"),
        (#"{"faults":[{"kind":"latency","ms":5,"count":0}]}"#, "faults[0].count: must be at least 1"),
        (#"{"faults":[{"kind":"list_failure","status":500,"run_id":"x"}]}"#, "faults[0].run_id: unknown field"),
        (#"{"fault":[]}"#, "fault: unknown field"),
        (#"{"faults":[{"status":500}]}"#, "faults[0].kind: is required"),
        (#"{"latency_ms":-1}"#, "latency_ms: must be between 0 and 600000"),
        ("not json", "not valid JSON"),
    ])
    func invalidPlansAreRefusedNamingTheField(_ body: String, _ message: String) async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.send("POST", "/_sim/faults", body: body)
            #expect(response.status == 400)
            let envelope = try response.envelope()
            #expect(envelope.error.code == "bad_request")
            #expect(envelope.error.message.hasPrefix(message), "\(envelope.error.message)")
        }
    }

    @Test func planFileLoadsAndReportsErrors() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sim-faults-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.json")
        try Data(#"{"latency_ms":5,"faults":[{"kind":"before_commit","status":503,"count":2}]}"#.utf8).write(to: good)
        let plan = try SimulatorFaultPlan.load(path: good.path)
        #expect(
            plan
                == SimulatorFaultPlan(
                    latencyMilliseconds: 5,
                    faults: [SimulatorFaultRule(.enqueueFailed(status: 503), count: 2)]
                )
        )

        let bad = directory.appendingPathComponent("bad.json")
        try Data(#"{"faults":[{"kind":"before_commit","status":429,"code":"nope"}]}"#.utf8).write(to: bad)
        let error = #expect(throws: SimulatorError.self) { try SimulatorFaultPlan.load(path: bad.path) }
        #expect(error?.code == .invalidFaults)
        #expect(error?.field == "faults[0].code")

        let missing = #expect(throws: SimulatorError.self) {
            try SimulatorFaultPlan.load(path: directory.appendingPathComponent("missing.json").path)
        }
        #expect(missing?.code == .unreadableFile)
    }

    @Test func setFaultsInProcess() async throws {
        try await SimulatorHarness.with { sim async throws in
            sim.simulator.setFaults(Self.plan(SimulatorFaultRule(.enqueueFailed(status: 500))))
            #expect(try await sim.replay("run_failed_1").status == 500)
            #expect(try await sim.replay("run_failed_1").status == 201)
        }
    }
}

/// `{"data":[JobRun...]}`.
struct RunList: Decodable {
    var data: [JobRun]
}
