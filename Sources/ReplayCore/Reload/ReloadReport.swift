/// What one reload did: the answer of `POST /v1/reload` (and `replayctl reload`), and the facts its audit record
/// and log line carry. Never holds a secret: errors name keys, lines and files only.
public struct ReloadReport: Sendable, Hashable, Encodable {
    /// How a reload ended.
    public enum Result: String, Sendable, Hashable, Encodable {
        /// The new config is in force (parts of it may wait for a restart: ``ReloadReport/restartNeeded``).
        case applied
        /// The file is the one in force; nothing changed.
        case unchanged
        /// The file is invalid; the config in force stays.
        case rejected
    }

    /// How it ended.
    public var result: Result
    /// The config file re-read.
    public var config: String
    /// SHA-256 (hex) of the config in force before the reload.
    public var oldDigest: String
    /// SHA-256 (hex) of the file read now.
    public var newDigest: String
    /// Settings that changed but apply only at the next restart, such as `[webhooks] listen`.
    public var restartNeeded: [String]
    /// Why the file was rejected, one line per error.
    public var errors: [String]

    /// Creates a report.
    public init(
        result: Result,
        config: String,
        oldDigest: String,
        newDigest: String,
        restartNeeded: [String] = [],
        errors: [String] = []
    ) {
        self.result = result
        self.config = config
        self.oldDigest = oldDigest
        self.newDigest = newDigest
        self.restartNeeded = restartNeeded
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case result, config, errors
        case oldDigest = "old_digest"
        case newDigest = "new_digest"
        case restartNeeded = "restart_needed"
    }
}
