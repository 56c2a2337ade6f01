extension SimulatorFixtures {
    /// An API key. Give either the full key (`strait_` + 64 lowercase hex; only ever a fake key) or the SHA-256
    /// hex of it, which is what Strait stores.
    public struct APIKey: Codable, Sendable, Hashable {
        /// A per-key rate-limit override (Strait's key override, the first step of its cascade).
        public struct RateLimit: Codable, Sendable, Hashable {
            /// Requests per window; `0` disables the limit for this key.
            public var requests: Int
            /// The window in seconds; also the `Retry-After` of a 429.
            public var windowSecs: Int

            enum CodingKeys: String, CodingKey, CaseIterable {
                case requests
                case windowSecs = "window_secs"
            }

            /// Creates an override.
            public init(requests: Int, windowSecs: Int = 60) {
                self.requests = requests
                self.windowSecs = windowSecs
            }

            public init(from decoder: any Decoder) throws {
                try StrictDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
                let container = try decoder.container(keyedBy: CodingKeys.self)
                requests = try container.decode(Int.self, forKey: .requests)
                windowSecs = try container.decodeIfPresent(Int.self, forKey: .windowSecs) ?? 60
            }
        }

        /// The key id; a replay by this key records `created_by: apikey:<id>`.
        public var id: String
        /// The project the key belongs to; it sees only that project's runs.
        public var projectID: String
        /// The full key, `strait_` followed by 64 lowercase hex characters.
        public var key: String?
        /// The lowercase SHA-256 hex of the full key, instead of `key`.
        public var keySHA256: String?
        /// Granted scopes. Empty means full access; `*` is a wildcard.
        public var scopes: [String]
        /// A revoked key gets 401 `api key has been revoked`.
        public var revoked: Bool
        /// An expired key gets 401 `api key has expired`.
        public var expired: Bool
        /// Overrides the simulator's default per-key limit.
        public var rateLimit: RateLimit?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id
            case projectID = "project_id"
            case key
            case keySHA256 = "key_sha256"
            case scopes, revoked, expired
            case rateLimit = "rate_limit"
        }

        /// Creates a key.
        public init(
            id: String,
            projectID: String,
            key: String? = nil,
            keySHA256: String? = nil,
            scopes: [String] = [],
            revoked: Bool = false,
            expired: Bool = false,
            rateLimit: RateLimit? = nil
        ) {
            self.id = id
            self.projectID = projectID
            self.key = key
            self.keySHA256 = keySHA256
            self.scopes = scopes
            self.revoked = revoked
            self.expired = expired
            self.rateLimit = rateLimit
        }

        public init(from decoder: any Decoder) throws {
            try StrictDecoding.rejectUnknownKeys(in: decoder, allowed: Set(CodingKeys.allCases.map(\.rawValue)))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                id: try container.decode(String.self, forKey: .id),
                projectID: try container.decode(String.self, forKey: .projectID),
                key: try container.decodeIfPresent(String.self, forKey: .key),
                keySHA256: try container.decodeIfPresent(String.self, forKey: .keySHA256),
                scopes: try container.decodeIfPresent([String].self, forKey: .scopes) ?? [],
                revoked: try container.decodeIfPresent(Bool.self, forKey: .revoked) ?? false,
                expired: try container.decodeIfPresent(Bool.self, forKey: .expired) ?? false,
                rateLimit: try container.decodeIfPresent(RateLimit.self, forKey: .rateLimit)
            )
        }

        /// The hash Strait looks the key up by.
        var hash: String { keySHA256 ?? SHA256.hexDigest(of: key ?? "") }

        /// Whether the key grants `scope` (empty scopes grant everything; `*` is a wildcard).
        func grants(_ scope: String) -> Bool {
            scopes.isEmpty || scopes.contains("*") || scopes.contains(scope)
        }
    }
}
