import ReplayCore

/// `paused`: no replays are paused. While any are (`replayctl pause`), readiness is false, so a load balancer or
/// a deploy script sees that replays are held; it turns true again after `replayctl resume`.
public struct PauseReadinessCheck: ReadinessCheck {
    public let name = "paused"
    private let gate: ReplayPauseGate

    /// Creates the check on the engine's pause gate.
    public init(gate: ReplayPauseGate) {
        self.gate = gate
    }

    public func check() async -> ReadinessResult {
        let entries = gate.current
        guard !entries.isEmpty else { return ReadinessResult(name: name, ok: true, detail: "replays are not paused") }
        let described = entries.map { entry in
            "\(entry.scope) by \(entry.by)\(entry.reason.map { " (\($0))" } ?? "")"
        }
        return ReadinessResult(
            name: name,
            ok: false,
            detail: "replays are paused: \(described.joined(separator: "; ")); replayctl resume releases them"
        )
    }
}
