extension SimulatorFixtures {
    /// A project: the tenant that owns jobs, runs and API keys.
    public struct Project: Codable, Sendable, Hashable {
        /// The project id, such as `proj_demo`.
        public var id: String
        /// A display name.
        public var name: String?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, name
        }

        /// Creates a project.
        public init(id: String, name: String? = nil) {
            self.id = id
            self.name = name
        }

        public init(from decoder: any Decoder) throws {
            try StrictDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            name = try container.decodeIfPresent(String.self, forKey: .name)
        }
    }
}
