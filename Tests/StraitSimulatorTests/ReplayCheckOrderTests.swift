import Strait
import StraitSimulator
import Testing

/// Every refusal of `POST /v1/runs/{runID}/replay` with its exact status, code and message, and the order in
/// which Strait evaluates them (spec §2).
@Suite struct ReplayCheckOrderTests {
    /// Asserts an envelope error and that it carries the request id.
    private func expectError(
        _ response: RawHTTPResponse,
        _ status: Int,
        _ code: String,
        _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/json", sourceLocation: sourceLocation)
        let envelope = try response.envelope()
        #expect(envelope.error.code == code, sourceLocation: sourceLocation)
        #expect(envelope.error.message == message, sourceLocation: sourceLocation)
        #expect(envelope.requestID?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(response.body.last == 0x0A, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        nil, "bearer \(DemoKeys.write)", "Bearer  \(DemoKeys.write)", "Bearer other-token", "Basic abc", "Bearer",
    ])
    func headerWithoutBearerStraitPrefixIsInternalSecretFailure(_ authorization: String?) async throws {
        try await SimulatorHarness.with { sim in
            var headers = [("Accept", "application/json")]
            if let authorization { headers.append(("Authorization", authorization)) }
            let response = try await sim.send("POST", "/v1/runs/run_failed_1/replay", headers: headers)
            try expectError(response, 401, "authentication_required", "invalid or missing internal secret")
        }
    }

    @Test func keyFailures() async throws {
        try await SimulatorHarness.with { sim in
            try expectError(
                try await sim.replay("run_failed_1", key: "strait_not-a-real-key"),
                401,
                "authentication_required",
                "invalid api key"
            )
            try expectError(
                try await sim.replay("run_failed_1", key: DemoKeys.revoked),
                401,
                "authentication_required",
                "api key has been revoked"
            )
            try expectError(
                try await sim.replay("run_failed_1", key: DemoKeys.expired),
                401,
                "authentication_required",
                "api key has expired"
            )
        }
    }

    @Test func badAuthBeatsUnknownRun() async throws {
        try await SimulatorHarness.with { sim in
            try expectError(
                try await sim.replay("no_such_run", key: "strait_bad"),
                401,
                "authentication_required",
                "invalid api key"
            )
        }
    }

    @Test func errorEnvelopeUsesInboundRequestID() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.replay("no_such_run", requestID: "client-rid-42")
            #expect(try response.envelope().requestID == "client-rid-42")
        }
    }

    @Test(arguments: ["text/html", "application/xml", "text/plain, text/html"])
    func unacceptableAcceptIs406(_ accept: String) async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.send(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: [("Accept", accept), ("Authorization", "Bearer \(DemoKeys.write)")]
            )
            try expectError(response, 406, "internal_error", "this API only serves application/json")
        }
    }

    @Test(arguments: ["", "*/*", "application/*", "application/json; charset=utf-8", "text/csv", "text/html, */*"])
    func acceptableAcceptPasses(_ accept: String) async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.send(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: [("Accept", accept), ("Authorization", "Bearer \(DemoKeys.write)")]
            )
            #expect(response.status == 201)
        }
    }

    @Test func missingAcceptPasses() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.send(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: [("Authorization", "Bearer \(DemoKeys.write)")]
            )
            #expect(response.status == 201)
        }
    }

    @Test func contentTypeRules() async throws {
        try await SimulatorHarness.with { sim in
            let auth = ("Authorization", "Bearer \(DemoKeys.write)")
            let path = "/v1/runs/run_failed_1/replay"
            let message = "Content-Type must be application/json"
            try expectError(
                try await sim.send("POST", path, headers: [auth, ("Content-Type", "text/plain")], body: "hi"),
                415,
                "internal_error",
                message
            )
            try expectError(
                try await sim.send("POST", path, headers: [auth, ("Content-Type", "text/plain")]),
                415,
                "internal_error",
                message
            )
            try expectError(
                try await sim.send("POST", path, headers: [auth], body: "{}"),
                415,
                "internal_error",
                message
            )
            let json = try await sim.send(
                "POST",
                path,
                headers: [auth, ("Content-Type", "application/json; charset=utf-8")],
                body: #"{"ignored":true}"#
            )
            #expect(json.status == 201, "a body is ignored, but allowed with a JSON Content-Type")
        }
    }

    @Test func layerOrderAuthThenAcceptThenContentType() async throws {
        try await SimulatorHarness.with { sim in
            let path = "/v1/runs/no_such_run/replay"
            let badBoth = [("Accept", "text/html"), ("Content-Type", "text/plain")]
            try expectError(
                try await sim.send("POST", path, headers: badBoth + [("Authorization", "Bearer strait_x")], body: "x"),
                401,
                "authentication_required",
                "invalid api key"
            )
            try expectError(
                try await sim.send("POST", path, headers: badBoth + [("Authorization", "Bearer \(DemoKeys.write)")]),
                406,
                "internal_error",
                "this API only serves application/json"
            )
            try expectError(
                try await sim.send(
                    "POST",
                    path,
                    headers: [("Content-Type", "text/plain"), ("Authorization", "Bearer \(DemoKeys.readOnly)")]
                ),
                415,
                "internal_error",
                "Content-Type must be application/json"
            )
        }
    }

    @Test func scopeIsCheckedBeforeTheRunLookup() async throws {
        try await SimulatorHarness.with { sim in
            let message = "insufficient permissions: requires runs:write"
            try expectError(try await sim.replay("run_failed_1", key: DemoKeys.readOnly), 403, "forbidden", message)
            try expectError(try await sim.replay("no_such_run", key: DemoKeys.readOnly), 403, "forbidden", message)
        }
    }

    @Test func unknownAndOtherProjectRunsAreNotFound() async throws {
        try await SimulatorHarness.with { sim in
            try expectError(try await sim.replay("no_such_run"), 404, "not_found", "run not found")
            try expectError(try await sim.replay("run_other_project_1"), 404, "not_found", "run not found")
            #expect(try await sim.replay("run_other_project_1", key: DemoKeys.otherProject).status == 201)
            try expectError(
                try await sim.replay("run_failed_1", key: DemoKeys.otherProject),
                404,
                "not_found",
                "run not found"
            )
        }
    }

    @Test(arguments: [
        "run_completed_1", "run_canceled_1", "run_expired_1", "run_dead_letter_1", "run_pending_1", "run_queued_1",
        "run_delayed_1", "run_dequeued_1", "run_executing_1", "run_waiting_1",
    ])
    func otherStatusesAreNotReplayable(_ runID: String) async throws {
        try await SimulatorHarness.with { sim in
            try expectError(try await sim.replay(runID), 400, "bad_request", "run is not replayable")
        }
    }

    @Test func jobChecks() async throws {
        try await SimulatorHarness.with { sim in
            try expectError(try await sim.replay("run_failed_missing_job"), 400, "bad_request", "job not found for run")
            try expectError(try await sim.replay("run_failed_disabled_job"), 400, "bad_request", "job is disabled")
        }
    }

    @Test(arguments: ["0", "-1", "%201", "1%20", "abc", "1.5", "99999999999999999999", "%2B", "+3", "0x1"])
    func badCheckpointIsRefused(_ value: String) async throws {
        try await SimulatorHarness.with { sim in
            try expectError(
                try await sim.replay("run_failed_checkpoints", query: "?from_checkpoint=\(value)"),
                400,
                "bad_request",
                "from_checkpoint must be a positive integer"
            )
        }
    }

    @Test(arguments: ["4", "9223372036854775807"])
    func missingCheckpointIsNotFound(_ value: String) async throws {
        try await SimulatorHarness.with { sim in
            try expectError(
                try await sim.replay("run_failed_checkpoints", query: "?from_checkpoint=\(value)"),
                404,
                "not_found",
                "checkpoint not found"
            )
        }
    }

    @Test func checkpointIsParsedOnlyAfterRunStatusAndJobChecks() async throws {
        try await SimulatorHarness.with { sim in
            let bad = "?from_checkpoint=abc"
            try expectError(
                try await sim.replay("run_completed_1", query: bad),
                400,
                "bad_request",
                "run is not replayable"
            )
            try expectError(try await sim.replay("no_such_run", query: bad), 404, "not_found", "run not found")
            try expectError(
                try await sim.replay("run_failed_missing_job", query: bad),
                400,
                "bad_request",
                "job not found for run"
            )
            try expectError(
                try await sim.replay("run_failed_disabled_job", query: bad),
                400,
                "bad_request",
                "job is disabled"
            )
            try expectError(
                try await sim.replay("run_failed_1", query: "?from_checkpoint=1"),
                404,
                "not_found",
                "checkpoint not found"
            )
        }
    }

    @Test func onlyTheNewestThousandCheckpointsAreSearched() async throws {
        var fixtures = SimulatorFixtures.demo
        fixtures.checkpoints["run_failed_1"] = (1...1001).map {
            Checkpoint(id: "", runID: "run_failed_1", sequence: $0, state: .number(Double($0)), createdAt: nil)
        }
        try await SimulatorHarness.with(fixtures: fixtures) { sim in
            try expectError(
                try await sim.replay("run_failed_1", query: "?from_checkpoint=1"),
                404,
                "not_found",
                "checkpoint not found"
            )
            let run = try await sim.replay("run_failed_1", query: "?from_checkpoint=2").decode(JobRun.self)
            #expect(run.payload == .number(2))
        }
    }

    @Test func refusedReplaysCreateNothing() async throws {
        try await SimulatorHarness.with { sim in
            _ = try await sim.replay("run_completed_1")
            _ = try await sim.replay("run_failed_1", key: DemoKeys.readOnly)
            _ = try await sim.replay("run_failed_checkpoints", query: "?from_checkpoint=9")
            #expect(sim.simulator.replayCounts().total == 0)
        }
    }
}
