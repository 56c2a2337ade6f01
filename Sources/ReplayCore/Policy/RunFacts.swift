/// What a grant scoped by `projects` or `jobs` needs to know about the run being replayed, read from Strait
/// (`GET /v1/runs/{id}`) before the replay.
public struct RunFacts: Sendable, Hashable {
    /// The run's `project_id`.
    public var projectID: String
    /// The run's `job_id`.
    public var jobID: String

    /// Creates facts.
    public init(projectID: String, jobID: String) {
        self.projectID = projectID
        self.jobID = jobID
    }
}
