import ArgumentParser
import Foundation
import Strait

/// `replayctl ping`: is replayd up?
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Check that replayd answers on its socket."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let status = await Session.show(path: "/v1/_ping", global: global) { body, socketPath in
            let version = (try? JSONDecoder().decode([String: String].self, from: Data(body)))?["version"]
            return "replayd \(version ?? "?") is up at \(socketPath)"
        }
        throw ExitCode(status.rawValue)
    }
}
