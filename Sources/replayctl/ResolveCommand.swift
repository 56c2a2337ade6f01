import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

/// `replayctl resolve KEY`: decide a replay replayd could not: look again, or record what really happened.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a replay whose outcome replayd could not decide.",
        discussion: """
            Give exactly one of --reconcile (the default: look for the run again), --succeeded RUN_ID (Strait \
            created this run for it) or --failed REASON (no run was created). Prints the updated record.

            Examples:
              replayctl resolve nightly-42 --reconcile
              replayctl resolve nightly-42 --succeeded 01926f3a-7c1e-7000-8000-000000000001
              replayctl resolve nightly-42 --failed "no run in Strait's list"
            """
    )

    @Argument(help: "The idempotency key of the replay.")
    var key: String

    @Flag(name: .long, help: "Ask replayd to look for the run again (the default).")
    var reconcile = false

    @Option(name: .long, help: ArgumentHelp("Record that Strait created this run.", valueName: "run-id"))
    var succeeded: String?

    @Option(name: .long, help: ArgumentHelp("Record that no run was created, and why.", valueName: "reason"))
    var failed: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try LocalValidation.idempotencyKey(key, argument: "KEY")
        var chosen: [String] = []
        if reconcile { chosen.append("--reconcile") }
        if succeeded != nil { chosen.append("--succeeded") }
        if failed != nil { chosen.append("--failed") }
        guard chosen.count <= 1 else {
            throw ValidationError(
                "give only one of --reconcile, --succeeded and --failed, not \(chosen.joined(separator: " and "))"
            )
        }
        if let succeeded, succeeded.isEmpty {
            throw ValidationError("--succeeded needs the id of the run Strait created")
        }
        if let succeeded { try LocalValidation.runID(succeeded, argument: "--succeeded") }
        if let failed, failed.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--failed needs a reason")
        }
    }

    /// The request body for the chosen action.
    var action: JSONValue {
        if let succeeded { return .object(["action": .string("mark_succeeded"), "run_id": .string(succeeded)]) }
        if let failed { return .object(["action": .string("mark_failed"), "reason": .string(failed)]) }
        return .object(["action": .string("reconcile")])
    }

    func run() async throws {
        let body = (try? JSONEncoder().encode(action)).map { [UInt8]($0) } ?? []
        let path = ReplayPaths.resolve(key: key)
        let status = await Session.show(method: "POST", path: path, body: body, global: global) { body, _ in
            RecordTable.detail(body: body)
        }
        throw ExitCode(status.rawValue)
    }
}
