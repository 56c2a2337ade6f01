import Audit
import ReplayCore

extension AuditPaths {
    /// The audit paths a config names (`[audit]`, with its defaults under `[state] dir`). Flags still win.
    init(config: ReplaydConfig) {
        self.init()
        dir = config.audit.directory(state: config.state)
        keyFiles = [config.audit.keyFile(state: config.state)]
        checkpointKeyFile = config.audit.signingKeyFile(state: config.state) + ".pub"
    }
}
