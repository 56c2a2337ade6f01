import ArgumentParser
import Foundation
import Strait

/// `replayctl ping`: is replayd up?
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Check that replayd answers on its socket.",
        discussion: """
            Exit 0 when it answers; 9 when the socket is missing, not a socket, refused (not running) or not             yours to use (the message says which, and what to do).

            Examples:
              replayctl ping
              replayctl ping --socket unix:///run/replayd/replayd.sock
            """
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
