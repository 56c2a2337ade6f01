extension SimulatorFixtures {
    /// A job, with what a replay reads from it: whether it is enabled, its expiry settings and its current
    /// version (a replayed run gets the job's **current** `job_version_id`).
    public struct Job: Codable, Sendable, Hashable {
        /// The job id.
        public var id: String
        /// The owning project.
        public var projectID: String
        /// A display name.
        public var name: String?
        /// A disabled job refuses replays with 400 `job is disabled`. Default `true`.
        public var enabled: Bool
        /// When > 0, a replayed run expires this many seconds after creation; otherwise after
        /// `timeout_secs + 60`.
        public var runTTLSecs: Int?
        /// The job's execution timeout in seconds. Default 300.
        public var timeoutSecs: Int
        /// The current version number. Default 1.
        public var currentVersion: Int
        /// The current version's id, copied into replayed runs as `job_version_id`.
        public var currentVersionID: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id
            case projectID = "project_id"
            case name, enabled
            case runTTLSecs = "run_ttl_secs"
            case timeoutSecs = "timeout_secs"
            case currentVersion = "current_version"
            case currentVersionID = "current_version_id"
        }

        /// Creates a job.
        public init(
            id: String,
            projectID: String,
            name: String? = nil,
            enabled: Bool = true,
            runTTLSecs: Int? = nil,
            timeoutSecs: Int = 300,
            currentVersion: Int = 1,
            currentVersionID: String? = nil
        ) {
            self.id = id
            self.projectID = projectID
            self.name = name
            self.enabled = enabled
            self.runTTLSecs = runTTLSecs
            self.timeoutSecs = timeoutSecs
            self.currentVersion = currentVersion
            self.currentVersionID = currentVersionID
        }

        public init(from decoder: any Decoder) throws {
            try StrictDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try container.decode(String.self, forKey: .id),
                projectID: try container.decode(String.self, forKey: .projectID),
                name: try container.decodeIfPresent(String.self, forKey: .name),
                enabled: try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true,
                runTTLSecs: try container.decodeIfPresent(Int.self, forKey: .runTTLSecs),
                timeoutSecs: try container.decodeIfPresent(Int.self, forKey: .timeoutSecs) ?? 300,
                currentVersion: try container.decodeIfPresent(Int.self, forKey: .currentVersion) ?? 1,
                currentVersionID: try container.decodeIfPresent(String.self, forKey: .currentVersionID)
            )
        }
    }
}
