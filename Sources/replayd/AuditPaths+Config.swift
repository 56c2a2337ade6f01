import Audit
import ReplayCore

extension AuditPaths {
    /// The audit paths a config names.
    ///
    /// INTEGRATION SEAM: `ReplaydConfig` has no `[audit]` section yet, so this returns no paths and `--config`
    /// only validates the file. When the section lands, fill in: `dir` (the audit directory), `keyFiles` (the
    /// current audit key file, then any previous ones kept for verifying older records), `checkpointsFile` (leave
    /// `nil` for `<dir>/checkpoints.jsonl`) and `checkpointKeyFile` (the signing key's `.pub`; leave `nil` for
    /// `<dir>/../audit-signing.key.pub`). Flags still win over these.
    init(config: ReplaydConfig) {
        self.init()
    }
}
