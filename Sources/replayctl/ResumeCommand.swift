import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

/// `replayctl resume`: release held replays, in order.
struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "End a pause: held replays are sent, in the order they came, paced to Strait's limit.",
        discussion: """
            Without --source, ends every pause; with it, only that source's pause. Held replays are sent one at \
            a time in creation order, each through the shared pacer. Audited; allowed by the pause grant.

            Examples:
              replayctl resume
              replayctl resume --source github-ci
            """
    )

    @Option(name: .long, help: ArgumentHelp("End only this source's pause.", valueName: "name"))
    var source: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var body: [String: JSONValue] = [:]
        if let source { body["source"] = .string(source) }
        let bytes = (try? JSONEncoder().encode(JSONValue.object(body))).map(Array.init)
        let status = await Session.show(method: "POST", path: "/v1/resume", body: bytes, global: global) { body, _ in
            PauseCommand.text(body)
        }
        throw ExitCode(status.rawValue)
    }
}
