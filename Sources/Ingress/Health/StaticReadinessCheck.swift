import Synchronization

/// A readiness condition that other parts of the daemon set: `config` (set false when a reload fails, with the
/// reason) and `paused` (set false while replays are paused). Starts as given.
public final class StaticReadinessCheck: ReadinessCheck {
    public let name: String
    private let state: Mutex<(ok: Bool, detail: String?)>

    /// Creates the check in the state given.
    public init(name: String, ok: Bool = true, detail: String? = nil) {
        self.name = name
        self.state = Mutex((ok, detail))
    }

    /// Sets the condition.
    public func set(ok: Bool, detail: String?) {
        state.withLock { $0 = (ok, detail) }
    }

    public func check() async -> ReadinessResult {
        let (ok, detail) = state.withLock { $0 }
        return ReadinessResult(name: name, ok: ok, detail: detail)
    }
}
