import ArgumentParser
import Foundation
import ReplayctlKit

/// `replayctl show KEY`: one replay record: its state, attempts, the run it created or its error.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the replay record of an idempotency key.",
        discussion: """
            Exit 0 when the record exists, whatever its state; 5 when there is none; 3 for a malformed key.

            Examples:
              replayctl show rk_0123456789abcdef0123456789abcdef
              replayctl show nightly-42 -o json | jq .state
            """
    )

    @Argument(help: "The idempotency key (the one you sent, or the one replayd printed).")
    var key: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try LocalValidation.idempotencyKey(key, argument: "KEY")
    }

    func run() async throws {
        let status = await Session.show(path: ReplayPaths.record(key: key), global: global) { body, _ in
            RecordTable.detail(body: body)
        }
        throw ExitCode(status.rawValue)
    }
}
