import ArgumentParser
import Foundation
import ReplayctlKit

/// `replayctl explain RUN_ID`: what a replay would do, without doing it.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain what replaying a run would do, without sending anything.",
        discussion: """
            replayd runs the request through the same stages as a real replay and prints what each decided: the \
            principal and the grant that matched (or why none did), the limits, the idempotency key and its \
            record, coalescing, the exact request that would go to Strait (the API key redacted), and the answer \
            the real call would get. Nothing is sent upstream, no key is claimed, nothing is audited (a denied \
            --as is).

            --as explains the request as another principal; it needs the explain_as grant.

            Exit codes: 0 explained (whatever the verdict), 3 usage, 4 not allowed (403), 7 bad request, \
            9 replayd not reachable.

            Examples:
              replayctl explain run_123
              replayctl explain run_123 --from-checkpoint 3 --idempotency-key incident-77
              replayctl explain run_123 --as ci-bot -o json | jq .verdict
            """
    )

    @Argument(help: "The id of the run to explain a replay of.")
    var runID: String

    @Option(
        name: .long,
        help: ArgumentHelp("Replay from this checkpoint sequence (a positive integer).", valueName: "n")
    )
    var fromCheckpoint: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The idempotency key the replay would use (1-255 printable ASCII).", valueName: "key")
    )
    var idempotencyKey: String?

    @Flag(name: .long, help: "Explain a forced replay (no coalescing).")
    var force = false

    @Option(
        name: .customLong("as"),
        help: ArgumentHelp("Explain as this principal (needs explain_as).", valueName: "principal")
    )
    var principal: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try LocalValidation.runID(runID)
        if let fromCheckpoint { try LocalValidation.checkpoint(fromCheckpoint) }
        if let idempotencyKey { try LocalValidation.idempotencyKey(idempotencyKey) }
        if let principal, principal.isEmpty { throw ValidationError("--as needs a principal name") }
    }

    func run() async throws {
        let spec = ReplayRequestSpec(
            runID: runID,
            fromCheckpoint: fromCheckpoint,
            force: force,
            idempotencyKey: idempotencyKey
        )
        throw ExitCode(await Self.explain(spec, as: principal, global: global).rawValue)
    }

    /// Sends `spec` as a dry run and prints the explanation (shared with `replay --dry-run`).
    static func explain(_ spec: ReplayRequestSpec, as principal: String?, global: GlobalOptions) async -> ExitStatus {
        let reporter = Reporter(options: global.outputOptions(environment: ProcessInfo.processInfo.environment))
        var path = spec.path + (spec.path.contains("?") ? "&" : "?") + "dry_run=true"
        if let principal { path += "&as=" + ReplayPaths.queryValue(principal) }
        return await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: "POST", path: path, headers: spec.headers)
            guard response.status == 200 else {
                return reporter.failure(
                    ReplayFailure(status: response.status, body: response.body, headers: response.headers)
                )
            }
            if reporter.format.isJSON {
                reporter.printRawJSON(response.body)
            } else {
                print(ExplanationText.render(body: response.body))
            }
            return .ok
        }
    }
}
