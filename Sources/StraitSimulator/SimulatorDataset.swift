import Strait

/// The simulator's "database": fixtures indexed for lookup, plus the runs created by replays.
struct SimulatorDataset: Sendable {
    private(set) var runs: [String: JobRun] = [:]
    private(set) var jobs: [String: SimulatorFixtures.Job] = [:]
    private(set) var keysByHash: [String: SimulatorFixtures.APIKey] = [:]
    /// Checkpoints per run, highest sequence first.
    private(set) var checkpoints: [String: [Checkpoint]] = [:]
    /// Insertion order of runs, so runs created in the same instant still list newest first.
    private var insertionOrder: [String: Int] = [:]

    /// The most checkpoints Strait loads for a replay (`ORDER BY sequence DESC LIMIT 1000`).
    static let checkpointWindow = 1000

    init(_ fixtures: SimulatorFixtures) {
        for run in fixtures.runs { insert(run) }
        for job in fixtures.jobs { jobs[job.id] = job }
        for key in fixtures.apiKeys { keysByHash[key.hash] = key }
        for (runID, list) in fixtures.checkpoints {
            checkpoints[runID] = list.sorted { $0.sequence > $1.sequence }
        }
    }

    /// The run `id` if it belongs to `projectID` (Strait answers another project's run as not found).
    func run(id: String, projectID: String) -> JobRun? {
        guard let run = runs[id], run.projectID == projectID else { return nil }
        return run
    }

    /// The key whose SHA-256 hex is `hash`.
    func key(hash: String) -> SimulatorFixtures.APIKey? {
        keysByHash[hash]
    }

    /// The checkpoint of `runID` with `sequence`, looked for among the newest 1000 only, as Strait does.
    func checkpoint(runID: String, sequence: Int64) -> Checkpoint? {
        (checkpoints[runID] ?? []).prefix(Self.checkpointWindow).first { Int64($0.sequence) == sequence }
    }

    /// All checkpoints of `runID`, lowest sequence first.
    func checkpoints(runID: String) -> [Checkpoint] {
        (checkpoints[runID] ?? []).reversed()
    }

    /// Runs of `projectID`, newest first (ties broken by insertion order, latest first).
    func runs(projectID: String) -> [JobRun] {
        runs.values.filter { $0.projectID == projectID }.sorted { lhs, rhs in
            guard lhs.createdAt == rhs.createdAt else { return lhs.createdAt > rhs.createdAt }
            return insertionOrder[lhs.id, default: 0] > insertionOrder[rhs.id, default: 0]
        }
    }

    /// Stores a run (a new one, or a fixture).
    mutating func insert(_ run: JobRun) {
        if runs[run.id] == nil { insertionOrder[run.id] = insertionOrder.count }
        runs[run.id] = run
    }
}
