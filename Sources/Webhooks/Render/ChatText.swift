/// The sentences the chat renderers share, written once with a per-platform way to show literals.
///
/// `literal` formats a run id, key or command (as inline code where the platform allows it); `plain` escapes free
/// text (error messages from upstream) for the platform.
struct ChatText: Sendable {
    /// The longest free text (such as an upstream error message) put into a chat message.
    static let maxFreeTextCharacters = 500

    let literal: @Sendable (String) -> String
    let plain: @Sendable (String) -> String

    /// `text` cut to ``maxFreeTextCharacters``, with `…` when cut.
    static func clipped(_ text: String) -> String {
        text.count > maxFreeTextCharacters ? String(text.prefix(maxFreeTextCharacters)) + "…" : text
    }

    func ack(_ command: ReplayCommand) -> String {
        switch command {
        case .replay(let runID, let checkpoint, let force):
            var text = "Replaying run \(literal(runID))"
            if let checkpoint { text += " from checkpoint \(checkpoint)" }
            if force { text += " (forced)" }
            return text + "…"
        case .status(let key):
            return "Looking up replay \(literal(key))…"
        case .help:
            return "Showing help…"
        }
    }

    func outcome(_ summary: ReplayOutcomeSummary) -> String {
        let run = literal(summary.runID)
        let statusHint = "check with \(literal("/replay status \(summary.key)"))"
        switch summary.state {
        case .succeeded:
            var text = "Run \(run) was replayed"
            if let newRunID = summary.newRunID { text += " as run \(literal(newRunID))" }
            if let status = summary.newRunStatus { text += " (status: \(plain(status)))" }
            return text + "."
        case .failed where summary.errorCode == "rate_limited":
            // Nothing was sent: say so, with the wait the limiter named ("… try again in 12 s").
            let reason = summary.errorMessage.map { ": " + plain(Self.clipped($0)) } ?? "; try again shortly"
            return "Run \(run) was not replayed, you are being rate limited\(reason). Nothing was sent to Strait."
        case .failed:
            var text = "Replay of run \(run) failed"
            if let message = summary.errorMessage {
                text += ": " + plain(Self.clipped(message))
            }
            if let code = summary.errorCode { text += " (\(literal(code)))" }
            return text + "."
        case .pending where summary.errorCode == "paused":
            // `replayctl pause`: accepted durably, held until an operator resumes.
            var text = "Replay of run \(run) is accepted and held: replays are paused by an operator"
            if let message = summary.errorMessage, let open = message.firstIndex(of: "("),
                let close = message[open...].firstIndex(of: ")")
            {
                text += " " + plain(Self.clipped(String(message[open...close])))
            }
            return text + "; it is sent when they resume. \(statusHint) later."
        case .pending:
            return "Replay of run \(run) is accepted and waiting for Strait; \(statusHint) later."
        case .indeterminate:
            var text = "Replay of run \(run) may or may not have started: Strait's answer was lost"
            if let message = summary.errorMessage { text += " (" + plain(Self.clipped(message)) + ")" }
            return text + ". Do not retry blindly; \(statusHint) or look for a new run in Strait first."
        }
    }

    func help(command: String) -> String {
        [
            "Usage:",
            "\(literal("\(command) RUN_ID")) replay a Strait job run",
            "\(literal("\(command) RUN_ID from=N")) replay it from checkpoint N (N ≥ 1)",
            "\(literal("\(command) RUN_ID force")) replay even if replayd replayed it moments ago",
            "\(literal("\(command) status KEY")) what became of a replay (KEY is in replayd's answer)",
            "\(literal("\(command) help")) this message",
        ].joined(separator: "\n")
    }

    func notMapped(identity: String, configKey: String) -> String {
        "You are not mapped to a replayd principal; ask an operator to add \(literal(identity)) to "
            + "\(literal(configKey))."
    }

    func denied(reason: String) -> String {
        "Replay refused: " + plain(Self.clipped(reason))
    }

    func invalid(_ error: WebhookPayloadError, command: String) -> String {
        "I could not read that command: " + plain(Self.clipped(error.message)) + ". Try "
            + literal("\(command) help") + "."
    }
}
