import Strait
import StraitSimulator
import Testing

/// The 201 of `POST /v1/runs/{runID}/replay` (spec §3).
@Suite struct ReplaySuccessTests {
    @Test func createdRunHasStraitsShape() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.replay("run_failed_1", requestID: "req-shape-1")
            #expect(response.status == 201)
            #expect(response.header("Content-Type") == "application/json")
            #expect(response.body.last == 0x0A, "the body ends with a newline, like Go's json.Encoder")

            let run = try response.decode(JobRun.self)
            #expect(run.status == .queued)
            #expect(run.attempt == 1)
            #expect(run.triggeredBy == "manual")
            #expect(run.jobID == "job_ttl")
            #expect(run.projectID == "proj_demo")
            #expect(run.priority == 5)
            #expect(run.jobVersion == 2, "job_version is copied from the original run")
            #expect(run.jobVersionID == "jv_ttl_3", "job_version_id is the job's current version")
            #expect(run.tags == ["team": .string("payments")])
            #expect(run.payload == .object(["order_id": .number(42)]))
            #expect(run.createdBy == "apikey:key_demo_write")
            #expect(run.debugMode == false)
            #expect(run.lineageDepth == 0)
            #expect(
                run.metadata == [
                    "_sentry_route": .string("POST /v1/runs/{runID}/replay"),
                    "_sentry_request_id": .string("req-shape-1"),
                    "_sentry_actor_type": .string("api_key"),
                ]
            )
            #expect(run.createdAt == StraitTimestamp("2026-05-01T12:00:00Z"))
            #expect(run.expiresAt == StraitTimestamp("2026-05-01T13:00:00Z"), "now + run_ttl_secs (3600)")
            #expect(run.id.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)

            let object = try response.jsonObject()
            for absent in [
                "result", "error", "error_class", "started_at", "finished_at", "heartbeat_at", "next_retry_at",
                "scheduled_at", "execution_trace", "execution_mode", "queue_name", "parent_run_id",
                "continuation_of", "idempotency_key",
            ] {
                #expect(object[absent] == nil, "\(absent) is never set on a fresh run")
            }
        }
    }

    @Test func commonHeadersAndNoServerOrRequestIDHeader() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.replay("run_failed_1", requestID: "req-headers")
            #expect(response.header("X-API-Version") == "v1")
            #expect(response.header("Cache-Control") == "no-store")
            #expect(response.header("Pragma") == "no-cache")
            #expect(response.header("X-Content-Type-Options") == "nosniff")
            #expect(response.header("X-Frame-Options") == "DENY")
            #expect(response.header("Content-Security-Policy") == "default-src 'none'")
            #expect(response.header("Server") == nil)
            #expect(response.header("X-Request-Id") == nil)
        }
    }

    @Test func expiryWithoutTTLIsTimeoutPlusOneMinute() async throws {
        try await SimulatorHarness.with { sim in
            sim.clock.advance(by: .milliseconds(1500))
            let run = try await sim.replay("run_failed_2").decode(JobRun.self)
            #expect(run.createdAt == StraitTimestamp("2026-05-01T12:00:01.5Z"))
            #expect(run.expiresAt == StraitTimestamp("2026-05-01T12:03:01.5Z"), "120 s timeout + 60 s")
            #expect(run.jobVersionID == "jv_no_ttl_2")
        }
    }

    @Test func createdAtHasMicrosecondPrecision() async throws {
        try await SimulatorHarness.with { sim in
            sim.clock.advance(by: .nanoseconds(123_456_789))
            let run = try await sim.replay("run_failed_1").decode(JobRun.self)
            #expect(run.createdAt.rawValue == "2026-05-01T12:00:00.123456Z")
            #expect(run.expiresAt?.rawValue == "2026-05-01T13:00:00.123456789Z")
        }
    }

    @Test func generatedRequestIDIsChiStyle() async throws {
        try await SimulatorHarness.with { sim in
            let first = try await sim.replay("run_failed_1").decode(JobRun.self)
            let second = try await sim.replay("run_failed_1").decode(JobRun.self)
            let pattern = /test-host\/[A-Za-z0-9]{10}-(\d{6})/
            let firstID = try #require(first.creatingRequestID)
            let secondID = try #require(second.creatingRequestID)
            #expect(firstID.wholeMatch(of: pattern)?.output.1 == "000001")
            #expect(secondID.wholeMatch(of: pattern)?.output.1 == "000002")
            #expect(firstID.dropLast(6) == secondID.dropLast(6), "the random part is fixed per process")
        }
    }

    @Test func checkpointReplacesPayloadAndSetsDebugMode() async throws {
        try await SimulatorHarness.with { sim in
            let run = try await sim.replay("run_failed_checkpoints", query: "?from_checkpoint=2").decode(JobRun.self)
            #expect(run.debugMode == true)
            #expect(run.payload == .object(["step": .number(2), "cursor": .string("c2")]))
        }
    }

    @Test(arguments: ["%2B3", "003", "%2B003"])
    func checkpointAcceptsGoAtoiForms(_ value: String) async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.replay("run_failed_checkpoints", query: "?from_checkpoint=\(value)")
            #expect(response.status == 201)
            #expect(try response.decode(JobRun.self).payload == .object(["step": .number(3), "cursor": .string("c3")]))
        }
    }

    @Test func emptyCheckpointCountsAsAbsent() async throws {
        try await SimulatorHarness.with { sim in
            let run = try await sim.replay("run_failed_checkpoints", query: "?from_checkpoint=").decode(JobRun.self)
            #expect(run.debugMode == false)
            #expect(run.payload == .object(["step": .number(0)]))
        }
    }

    @Test(arguments: ["run_failed_1", "run_timed_out_1", "run_crashed_1", "run_system_failed_1"])
    func replayableStatusesAreReplayed(_ runID: String) async throws {
        try await SimulatorHarness.with { sim async throws in
            #expect(try await sim.replay(runID).status == 201)
        }
    }

    @Test(arguments: [DemoKeys.fullAccess, DemoKeys.wildcard, DemoKeys.hashed])
    func emptyScopesWildcardAndHashedKeysMayReplay(_ key: String) async throws {
        try await SimulatorHarness.with { sim async throws in
            #expect(try await sim.replay("run_failed_1", key: key).status == 201)
        }
    }

    @Test func percentEncodedRunIDIsDecoded() async throws {
        try await SimulatorHarness.with { sim async throws in
            #expect(try await sim.replay("run%5Ffailed%5F1").status == 201)
        }
    }

    @Test func newRunIsStoredButNotReplayable() async throws {
        try await SimulatorHarness.with { sim in
            let created = try await sim.replay("run_failed_1").decode(JobRun.self)
            let fetched = try await sim.get("/v1/runs/\(created.id)")
            #expect(fetched.status == 200)
            let stored = try fetched.decode(JobRun.self)
            #expect(stored.id == created.id)
            #expect(stored.executionMode == "http", "a later GET shows execution_mode")
            #expect(stored.queueName == "default")
            #expect(sim.simulator.storedRun(id: created.id)?.status == .queued)

            let again = try await sim.replay(created.id)
            #expect(again.status == 400)
            #expect(try again.envelope().error.message == "run is not replayable")
        }
    }

    @Test func everyReplayCreatesANewRunAndIdempotencyKeyIsIgnored() async throws {
        try await SimulatorHarness.with { sim in
            let header = [("Idempotency-Key", "same-key")]
            let first = try await sim.replay("run_failed_1", extraHeaders: header).decode(JobRun.self)
            let second = try await sim.replay("run_failed_1", extraHeaders: header).decode(JobRun.self)
            #expect(first.id != second.id)
            #expect(sim.simulator.replayCounts().byOriginalRun["run_failed_1"] == 2)
        }
    }
}
