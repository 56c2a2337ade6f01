import Strait
import StraitSimulator
import Testing

/// `GET /v1/runs/{runID}`, `GET /v1/runs` and `GET /v1/runs/{runID}/checkpoints`.
@Suite struct ReadRoutesTests {
    @Test func getRunIsScopedToTheKeysProject() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.get("/v1/runs/run_failed_1", key: DemoKeys.readOnly)
            #expect(response.status == 200)
            let run = try response.decode(JobRun.self)
            #expect(run.id == "run_failed_1")
            #expect(run.error == "upstream returned 502")
            #expect(try await sim.get("/v1/runs/run_other_project_1").status == 404)
            #expect(try await sim.get("/v1/runs/no_such_run").envelope().error.message == "run not found")
        }
    }

    @Test func listIsNewestFirstAndProjectScoped() async throws {
        try await SimulatorHarness.with { sim in
            let runs = try await sim.get("/v1/runs?limit=100").decode(RunList.self).data
            #expect(runs.count == 18)
            #expect(runs.allSatisfy { $0.projectID == "proj_demo" })
            #expect(runs.first?.id == "run_failed_checkpoints")
            #expect(runs.last?.id == "run_failed_1")
            #expect(zip(runs, runs.dropFirst()).allSatisfy { $0.createdAt >= $1.createdAt })

            let created = try await sim.replay("run_failed_1").decode(JobRun.self)
            let second = try await sim.replay("run_failed_2").decode(JobRun.self)
            let newest = try await sim.get("/v1/runs?limit=2").decode(RunList.self).data.map(\.id)
            #expect(newest == [second.id, created.id])

            let other = try await sim.get("/v1/runs", key: DemoKeys.otherProject).decode(RunList.self).data
            #expect(other.map(\.id) == ["run_other_project_1"])
            let foreign = try await sim.get("/v1/runs?project_id=proj_other").decode(RunList.self).data
            #expect(foreign.isEmpty, "a key never sees another project's runs")
        }
    }

    @Test func listFiltersByRequestIDMetadata() async throws {
        try await SimulatorHarness.with { sim in
            let created = try await sim.replay("run_failed_1", requestID: "reconcile-me").decode(JobRun.self)
            _ = try await sim.replay("run_failed_1", requestID: "someone-else")
            let found = try await sim.get("/v1/runs?metadata_key=_sentry_request_id&metadata_value=reconcile-me")
            #expect(found.status == 200)
            #expect(try found.decode(RunList.self).data.map(\.id) == [created.id])

            let none = try await sim.get("/v1/runs?metadata_key=_sentry_request_id&metadata_value=never-sent")
            #expect(try none.decode(RunList.self).data.isEmpty)

            let withKey = try await sim.get("/v1/runs?metadata_key=_sentry_request_id").decode(RunList.self).data
            #expect(withKey.count == 3, "two replays plus the demo's earlier replay run_queued_1")

            let encoded = try await sim.get("/v1/runs?metadata_key=_sentry_request_id&metadata_value=reconcile%2Dme")
            #expect(try encoded.decode(RunList.self).data.count == 1)
        }
    }

    @Test func metadataValueNeedsMetadataKey() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.get("/v1/runs?metadata_value=x")
            #expect(response.status == 400)
            let envelope = try response.envelope()
            #expect(envelope.error.code == "bad_request")
            #expect(envelope.error.message == "metadata_key is required when metadata_value is provided")
        }
    }

    @Test func listFiltersByStatusAndLimit() async throws {
        try await SimulatorHarness.with { sim in
            let failed = try await sim.get("/v1/runs?status=failed").decode(RunList.self).data
            #expect(
                Set(failed.map(\.id)) == [
                    "run_failed_1", "run_failed_2", "run_failed_disabled_job", "run_failed_missing_job",
                    "run_failed_checkpoints",
                ]
            )
            #expect(try await sim.get("/v1/runs?limit=2").decode(RunList.self).data.count == 2)
            #expect(try await sim.get("/v1/runs?limit=abc").status == 400)
            #expect(try await sim.get("/v1/runs?limit=0").status == 400)
        }
    }

    @Test func readRoutesNeedRunsRead() async throws {
        var fixtures = SimulatorFixtures.demo
        fixtures.apiKeys.append(
            .init(
                id: "key_write_only",
                projectID: "proj_demo",
                key: "strait_" + String(repeating: "9", count: 64),
                scopes: ["runs:write"]
            )
        )
        try await SimulatorHarness.with(fixtures: fixtures) { sim in
            let writeOnly = "strait_" + String(repeating: "9", count: 64)
            for target in ["/v1/runs", "/v1/runs/run_failed_1", "/v1/runs/run_failed_checkpoints/checkpoints"] {
                let response = try await sim.get(target, key: writeOnly)
                #expect(response.status == 403)
                #expect(try response.envelope().error.message == "insufficient permissions: requires runs:read")
            }
            #expect(try await sim.replay("run_failed_1", key: writeOnly).status == 201)
        }
    }

    @Test func checkpointsAreListedInSequenceOrder() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.get("/v1/runs/run_failed_checkpoints/checkpoints", key: DemoKeys.readOnly)
            #expect(response.status == 200)
            let checkpoints = try response.decode(CheckpointList.self).data
            #expect(checkpoints.map(\.sequence) == [1, 2, 3])
            #expect(checkpoints.allSatisfy { $0.runID == "run_failed_checkpoints" })
            #expect(checkpoints.first?.id == "ckpt_run_failed_checkpoints_1")
            #expect(checkpoints.last?.state == .object(["step": .number(3), "cursor": .string("c3")]))

            let empty = try await sim.get("/v1/runs/run_failed_1/checkpoints").decode(CheckpointList.self)
            #expect(empty.data.isEmpty)
            #expect(try await sim.get("/v1/runs/run_other_project_1/checkpoints").status == 404)
        }
    }

    @Test func unknownPathsAndMethodsAreChisPlainText() async throws {
        try await SimulatorHarness.with { sim in
            for target in ["/v1/nothing", "/v1/runs/run_failed_1/replay/", "/v1/runs//replay", "/"] {
                let response = try await sim.send("GET", target)
                #expect(response.status == 404, "\(target)")
                #expect(response.text == "404 page not found\n")
                #expect(response.header("Content-Type") == "text/plain; charset=utf-8")
            }
            let wrongMethod = try await sim.send("GET", "/v1/runs/run_failed_1/replay")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("Allow") == "POST")
            #expect(wrongMethod.body.isEmpty)
            #expect(try await sim.send("DELETE", "/v1/runs/run_failed_1").header("Allow") == "GET")
        }
    }

    @Test func malformedPercentEscapeIsABadRequest() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.send("POST", "/v1/runs/run%zz/replay")
            #expect(response.status == 400)
            #expect(response.text == "400 Bad Request\n")
        }
    }
}

/// `{"data":[Checkpoint...]}`.
struct CheckpointList: Decodable {
    var data: [Checkpoint]
}
