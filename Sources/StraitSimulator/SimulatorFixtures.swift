import Foundation
import Strait

/// The data a ``StraitSimulator`` serves: projects, jobs, runs (any status, full ``JobRun`` shape), checkpoints
/// per run, and API keys.
///
/// The JSON form (see `Config/strait-fixtures.json` and `docs/simulator.md`):
/// ```json
/// {
///   "projects": [{"id": "proj_demo", "name": "Demo"}],
///   "jobs": [{"id": "job_ttl", "project_id": "proj_demo", "enabled": true, "run_ttl_secs": 3600,
///             "timeout_secs": 300, "current_version": 3, "current_version_id": "jv_ttl_3"}],
///   "runs": [{"id": "run_failed_1", "job_id": "job_ttl", "project_id": "proj_demo", "status": "failed", ...}],
///   "checkpoints": {"run_failed_checkpoints": [{"sequence": 1, "state": {"step": 1}}]},
///   "api_keys": [{"id": "key_demo_write", "project_id": "proj_demo", "key": "strait_<64 hex>",
///                 "scopes": ["runs:read", "runs:write"]}]
/// }
/// ```
/// Unknown fields are errors (except inside runs, which decode as tolerantly as a client decodes Strait's
/// answers). A run may name a job that does not exist: that is how `job not found for run` is exercised.
public struct SimulatorFixtures: Codable, Sendable, Hashable {
    /// The projects; keys and runs belong to one each.
    public var projects: [Project]
    /// The jobs.
    public var jobs: [Job]
    /// The runs, in any status.
    public var runs: [JobRun]
    /// Checkpoints by run id. Each checkpoint's `run_id` is filled from its key and its `id` defaults to
    /// `ckpt_<run id>_<sequence>`.
    public var checkpoints: [String: [Checkpoint]]
    /// The API keys.
    public var apiKeys: [APIKey]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case projects, jobs, runs, checkpoints
        case apiKeys = "api_keys"
    }

    /// Creates fixtures; checkpoints are normalised as described on ``checkpoints``.
    public init(
        projects: [Project],
        jobs: [Job],
        runs: [JobRun],
        checkpoints: [String: [Checkpoint]] = [:],
        apiKeys: [APIKey]
    ) {
        self.projects = projects
        self.jobs = jobs
        self.runs = runs
        self.checkpoints = Self.normalized(checkpoints)
        self.apiKeys = apiKeys
    }

    public init(from decoder: any Decoder) throws {
        try StrictDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            projects: try container.decode([Project].self, forKey: .projects),
            jobs: try container.decode([Job].self, forKey: .jobs),
            runs: try container.decode([JobRun].self, forKey: .runs),
            checkpoints: try container.decodeIfPresent([String: [Checkpoint]].self, forKey: .checkpoints) ?? [:],
            apiKeys: try container.decodeIfPresent([APIKey].self, forKey: .apiKeys) ?? []
        )
    }

    /// Reads, decodes and validates the fixtures file at `path`.
    ///
    /// - Throws: ``SimulatorError`` with code `unreadable_file`, or `invalid_fixtures` naming the bad field.
    public static func load(path: String) throws(SimulatorError) -> SimulatorFixtures {
        try decode(StrictDecoding.read(path: path))
    }

    /// Decodes and validates fixtures from JSON bytes.
    ///
    /// - Throws: ``SimulatorError`` with code `invalid_fixtures` naming the bad field.
    public static func decode(_ data: Data) throws(SimulatorError) -> SimulatorFixtures {
        let fixtures = try StrictDecoding.decode(SimulatorFixtures.self, from: data, code: .invalidFixtures)
        try fixtures.validate()
        return fixtures
    }

    private static func normalized(_ checkpoints: [String: [Checkpoint]]) -> [String: [Checkpoint]] {
        checkpoints.reduce(into: [:]) { result, entry in
            result[entry.key] = entry.value.map { checkpoint in
                var checkpoint = checkpoint
                if checkpoint.runID.isEmpty { checkpoint.runID = entry.key }
                if checkpoint.id.isEmpty { checkpoint.id = "ckpt_\(entry.key)_\(checkpoint.sequence)" }
                return checkpoint
            }
        }
    }
}
