import Strait

extension SimulatorFixtures {
    /// The built-in fixtures, identical to `Config/strait-fixtures.json` (a test checks this). Every key here is
    /// fake and only works against the simulator.
    ///
    /// - Projects: `proj_demo`, `proj_other`.
    /// - Jobs: `job_ttl` (run_ttl_secs 3600), `job_no_ttl` (timeout 120 s), `job_disabled`, `job_other`.
    /// - Runs: one per status (`run_failed_1`, `run_timed_out_1`, `run_crashed_1`, `run_system_failed_1`,
    ///   `run_completed_1`, `run_canceled_1`, `run_expired_1`, `run_dead_letter_1`, `run_pending_1`,
    ///   `run_queued_1`, `run_delayed_1`, `run_dequeued_1`, `run_executing_1`, `run_waiting_1`), plus
    ///   `run_failed_2` (job without TTL), `run_failed_disabled_job`, `run_failed_missing_job`,
    ///   `run_failed_checkpoints` (checkpoints 1-3) and `run_other_project_1`.
    /// - Keys: ``demoWriteKey`` (`key_demo_write`, runs:read + runs:write) and the others in
    ///   `docs/simulator.md`.
    public static var demo: SimulatorFixtures {
        SimulatorFixtures(
            projects: [
                Project(id: "proj_demo", name: "Demo project"),
                Project(id: "proj_other", name: "Other project"),
            ],
            jobs: [
                Job(
                    id: "job_ttl",
                    projectID: "proj_demo",
                    name: "nightly-report",
                    runTTLSecs: 3600,
                    timeoutSecs: 300,
                    currentVersion: 3,
                    currentVersionID: "jv_ttl_3"
                ),
                Job(
                    id: "job_no_ttl",
                    projectID: "proj_demo",
                    name: "invoice-sync",
                    timeoutSecs: 120,
                    currentVersion: 2,
                    currentVersionID: "jv_no_ttl_2"
                ),
                Job(
                    id: "job_disabled",
                    projectID: "proj_demo",
                    name: "legacy-import",
                    enabled: false,
                    timeoutSecs: 60,
                    currentVersion: 1,
                    currentVersionID: "jv_disabled_1"
                ),
                Job(
                    id: "job_other",
                    projectID: "proj_other",
                    name: "other-cleanup",
                    runTTLSecs: 600,
                    timeoutSecs: 60,
                    currentVersion: 1,
                    currentVersionID: "jv_other_1"
                ),
            ],
            runs: demoRuns,
            checkpoints: [
                "run_failed_checkpoints": (1...3).map { sequence in
                    Checkpoint(
                        id: "",
                        runID: "",
                        sequence: sequence,
                        state: .object(["step": .number(Double(sequence)), "cursor": .string("c\(sequence)")]),
                        createdAt: demoTime(minute: 17, plusSeconds: Int64(10 * sequence))
                    )
                }
            ],
            apiKeys: demoKeys
        )
    }

    /// The demo write key (`key_demo_write`, project `proj_demo`, scopes `runs:read` and `runs:write`).
    /// It is fake: it only works against the simulator.
    public static let demoWriteKey = "strait_" + String(repeating: "0123456789abcdef", count: 4)

    private static var demoKeys: [APIKey] {
        let readWrite = ["runs:read", "runs:write"]
        func fake(_ digit: Character) -> String { "strait_" + String(repeating: digit, count: 64) }
        return [
            APIKey(id: "key_demo_write", projectID: "proj_demo", key: demoWriteKey, scopes: readWrite),
            APIKey(id: "key_read_only", projectID: "proj_demo", key: fake("1"), scopes: ["runs:read"]),
            APIKey(id: "key_revoked", projectID: "proj_demo", key: fake("2"), scopes: readWrite, revoked: true),
            APIKey(id: "key_expired", projectID: "proj_demo", key: fake("3"), scopes: readWrite, expired: true),
            APIKey(id: "key_other_project", projectID: "proj_other", key: fake("4"), scopes: readWrite),
            APIKey(
                id: "key_rate_limited",
                projectID: "proj_demo",
                key: fake("5"),
                scopes: readWrite,
                rateLimit: APIKey.RateLimit(requests: 3, windowSecs: 60)
            ),
            APIKey(id: "key_full_access", projectID: "proj_demo", key: fake("6"), scopes: []),
            APIKey(id: "key_wildcard", projectID: "proj_demo", key: fake("7"), scopes: ["*"]),
            APIKey(
                id: "key_hashed",
                projectID: "proj_demo",
                keySHA256: "8940b1c4cf6a079f00652e21b68ee00660362c6356c00de82eb6de5fa24c5ed3",
                scopes: readWrite
            ),
        ]
    }

    private static var demoRuns: [JobRun] {
        [
            demoRun(
                "run_failed_1",
                minute: 0,
                job: "job_ttl",
                status: .failed,
                attempt: 3,
                priority: 5,
                jobVersion: 2,
                tags: ["team": .string("payments")],
                payload: .object(["order_id": .number(42)]),
                error: "upstream returned 502"
            ),
            demoRun(
                "run_failed_2",
                minute: 1,
                job: "job_no_ttl",
                status: .failed,
                jobVersion: 2,
                tags: ["team": .string("billing")],
                payload: .object(["invoice_id": .string("inv_7")]),
                error: "timeout talking to ledger"
            ),
            demoRun("run_timed_out_1", minute: 2, job: "job_ttl", status: .timedOut, priority: 1, jobVersion: 3),
            demoRun("run_crashed_1", minute: 3, job: "job_ttl", status: .crashed, jobVersion: 3),
            demoRun("run_system_failed_1", minute: 4, job: "job_no_ttl", status: .systemFailed, jobVersion: 2),
            demoRun(
                "run_completed_1",
                minute: 5,
                job: "job_ttl",
                status: .completed,
                jobVersion: 3,
                result: .object(["rows": .number(120)])
            ),
            demoRun("run_canceled_1", minute: 6, job: "job_ttl", status: .canceled, jobVersion: 3),
            demoRun("run_expired_1", minute: 7, job: "job_ttl", status: .expired, jobVersion: 3),
            demoRun("run_dead_letter_1", minute: 8, job: "job_ttl", status: .deadLetter, attempt: 5, jobVersion: 3),
            demoRun("run_pending_1", minute: 9, job: "job_ttl", status: .pending, jobVersion: 3),
            demoRun(
                "run_queued_1",
                minute: 10,
                job: "job_ttl",
                status: .queued,
                triggeredBy: "manual",
                jobVersion: 3,
                metadata: [
                    "_sentry_route": .string("POST /v1/runs/{runID}/replay"),
                    "_sentry_request_id": .string("demo-replay-0001"),
                    "_sentry_actor_type": .string("api_key"),
                ],
                createdBy: "apikey:key_demo_write"
            ),
            demoRun("run_delayed_1", minute: 11, job: "job_ttl", status: .delayed, jobVersion: 3),
            demoRun("run_dequeued_1", minute: 12, job: "job_ttl", status: .dequeued, jobVersion: 3),
            demoRun("run_executing_1", minute: 13, job: "job_ttl", status: .executing, jobVersion: 3),
            demoRun("run_waiting_1", minute: 14, job: "job_ttl", status: .waiting, jobVersion: 3),
            demoRun("run_failed_disabled_job", minute: 15, job: "job_disabled", status: .failed),
            demoRun("run_failed_missing_job", minute: 16, job: "job_deleted", status: .failed),
            demoRun(
                "run_failed_checkpoints",
                minute: 17,
                job: "job_ttl",
                status: .failed,
                jobVersion: 3,
                payload: .object(["step": .number(0)])
            ),
            demoRun(
                "run_other_project_1",
                minute: 18,
                job: "job_other",
                project: "proj_other",
                status: .failed,
                payload: .object(["target": .string("other")])
            ),
        ]
    }

    /// 2026-04-30T08:00:00.123456Z plus `minute` minutes and `plusSeconds` seconds.
    private static func demoTime(minute: Int64, plusSeconds: Int64 = 0) -> StraitTimestamp {
        StraitTimestamp(secondsSinceEpoch: 1_777_536_000 + minute * 60 + plusSeconds, nanoseconds: 123_456_000)
    }

    private static func demoRun(
        _ id: String,
        minute: Int64,
        job: String,
        project: String = "proj_demo",
        status: RunStatus,
        attempt: Int = 1,
        triggeredBy: String = "api",
        priority: Int = 0,
        jobVersion: Int = 1,
        tags: [String: JSONValue]? = nil,
        payload: JSONValue? = nil,
        metadata: [String: JSONValue]? = nil,
        error: String? = nil,
        result: JSONValue? = nil,
        createdBy: String? = nil
    ) -> JobRun {
        var run = JobRun(
            id: id,
            jobID: job,
            projectID: project,
            status: status,
            attempt: attempt,
            triggeredBy: triggeredBy,
            priority: priority,
            jobVersion: jobVersion,
            createdAt: demoTime(minute: minute)
        )
        run.tags = tags
        run.payload = payload
        run.metadata = metadata
        run.jobVersionID = "jv_\(job.dropFirst("job_".count))_\(jobVersion)"
        run.createdBy = createdBy
        run.executionMode = "http"
        run.queueName = "default"
        run.error = error
        run.result = result
        if status.isTerminal || status == .executing || status == .waiting {
            run.startedAt = demoTime(minute: minute, plusSeconds: 5)
        }
        if status.isTerminal {
            run.finishedAt = demoTime(minute: minute, plusSeconds: 65)
        }
        return run
    }
}
