import ReplayCore

extension Daemon {
    /// Applies the trust model to the state directory, the audit directory and the audit keys, after the instance
    /// lock is held and before anything is opened: a directory or key another user controls stops the start.
    func checkFiles(trust: FileTrust) throws {
        do {
            try settings.prepareFiles(trust: trust)
        } catch {
            throw DaemonStartError(message: error.description)
        }
    }
}
