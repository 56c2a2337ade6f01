import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

/// `replayctl pause`: stop sending replays upstream; new ones are accepted and held.
struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Stop sending replays to Strait; new replays are accepted and held until resume.",
        discussion: """
            While paused, replays are accepted durably and answered 202 with code "paused" (chat doors say \
            so), and nothing is sent upstream. The pause is audited, survives a restart, and makes GET \
            /v1/health report not ready. --source pauses one [[sources]] name (or "socket", for replays asked \
            for on the socket); --all (the default) pauses every replay. Allowed by the pause grant.

            Examples:
              replayctl pause --all --reason "Strait incident INC-123"
              replayctl pause --source github-ci --reason "deploy in progress"
              replayctl status
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp("Pause only this source (a [[sources]] name, or socket).", valueName: "name")
    )
    var source: String?

    @Flag(name: .long, help: "Pause every replay (the default).")
    var all = false

    @Option(name: .long, help: ArgumentHelp("Why, for the audit log and status.", valueName: "text"))
    var reason: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if all, source != nil { throw ValidationError("give either --all or --source, not both") }
        if let source, source.isEmpty { throw ValidationError("--source needs a source name") }
    }

    func run() async throws {
        var body: [String: JSONValue] = [:]
        if let source { body["source"] = .string(source) } else { body["all"] = .bool(true) }
        if let reason { body["reason"] = .string(reason) }
        let bytes = (try? JSONEncoder().encode(JSONValue.object(body))).map(Array.init)
        let status = await Session.show(method: "POST", path: "/v1/pause", body: bytes, global: global) { body, _ in
            PauseCommand.text(body)
        }
        throw ExitCode(status.rawValue)
    }

    /// The pause status body (`POST /v1/pause|resume`, `pause` in `/v1/gateway/status`) in words.
    static func text(_ body: [UInt8]) -> String {
        guard case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else { return "" }
        return describe(root)
    }

    static func describe(_ root: [String: JSONValue]) -> String {
        var lines: [String] = []
        if case .array(let pauses)? = root["pauses"], !pauses.isEmpty {
            for case .object(let pause) in pauses {
                let scope =
                    DisplayText.text(pause["scope"]) == "all"
                    ? "all replays" : "source \(DisplayText.text(pause["source"]))"
                let reason = DisplayText.optionalText(pause["reason"]).map { ": \($0)" } ?? ""
                lines.append("paused     \(scope) by \(DisplayText.text(pause["by"]))\(reason)")
            }
        } else {
            lines.append("paused     no (replays are sent)")
        }
        lines.append("held       \(DisplayText.text(root["held"])) replays")
        return lines.joined(separator: "\n")
    }
}
