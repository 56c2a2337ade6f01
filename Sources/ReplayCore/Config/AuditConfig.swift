/// `[audit]`: the tamper-evident audit log. Every key is optional; paths default to places under `[state] dir`.
public struct AuditConfig: Sendable, Hashable {
    /// `dir`: where segments and `checkpoints.jsonl` go. Default `<state dir>/audit`.
    public var directory: String?
    /// `key_file`: the audit key (≥ 32 bytes, e.g. `openssl rand -hex 32`), mode 0600. Default
    /// `<state dir>/audit.key`, created at first start if missing. Keep a copy off the machine: `audit verify`
    /// needs it.
    public var keyFile: String?
    /// `signing_key_file`: the Ed25519 key that signs checkpoints (PEM from `openssl genpkey -algorithm ed25519`).
    /// Default `<state dir>/audit-signing.key`, created at first start with its public half in `<file>.pub`.
    public var signingKeyFile: String?
    /// `origin`: names this log in checkpoints. Default `<hostname>/replayd`.
    public var origin: String?
    /// `segment_max_size`: rotate when a segment would grow past this. Default 64 MiB.
    public var segmentMaxSize: Int = 64 << 20
    /// `segment_max_age`: rotate a segment this old. Default 24 h.
    public var segmentMaxAge: Duration = .seconds(86_400)
    /// `retention`: prune whole closed segments older than this; `0s` keeps them forever (the default).
    public var retention: Duration = .zero
    /// `min_free_space`: below this much free disk the log counts as unwritable and replays get 503. Default 64 MiB.
    public var minFreeSpace: Int = 64 << 20
    /// `group_commit_wait`: how long the first record of a batch waits for others to share its sync. Default 0: a
    /// batch is whatever arrived while the previous sync ran, which batches as well under load and adds no wait
    /// when idle.
    public var groupCommitWait: Duration = .zero
    /// `group_commit_max`: the most records in one sync. Default 256.
    public var groupCommitMax: Int = 256
    /// `checkpoint_every`: sign a checkpoint after this many records. Default 1000.
    public var checkpointEvery: Int = 1000
    /// `checkpoint_interval`: and at least this often while records arrive. Default 60 s.
    public var checkpointInterval: Duration = .seconds(60)
    /// `denial_interval`: denials from one source for one reason are recorded once per interval, then counted.
    /// Default 60 s.
    public var denialInterval: Duration = .seconds(60)

    /// Creates the section with the defaults above.
    public init() {}

    /// The audit directory for `state`.
    public func directory(state: StateConfig) -> String { directory ?? state.directory + "/audit" }
    /// The audit key file for `state`.
    public func keyFile(state: StateConfig) -> String { keyFile ?? state.directory + "/audit.key" }
    /// The checkpoint signing key file for `state`.
    public func signingKeyFile(state: StateConfig) -> String {
        signingKeyFile ?? state.directory + "/audit-signing.key"
    }
}
