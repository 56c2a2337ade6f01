import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

/// `replayctl reload`: ask replayd to re-read its config and swap it in (the same as SIGHUP).
struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Re-read replayd's config file, validate it, and swap it in without a restart.",
        discussion: """
            The same as SIGHUP or systemctl reload, over the socket (POST /v1/reload), allowed by the reload \
            grant. Principals, sources and their keyrings, and the upstream API key take effect for the next \
            request; requests in flight finish under the config they started with. An invalid file changes \
            nothing: the errors are printed and the exit status is 7. Settings read only at start (listener \
            addresses, [replays], [state], …) are listed as needing a restart. Every reload is audited with the \
            digests of the old and the new config.

            Examples:
              replayctl reload
              replayctl reload -o json | jq .restart_needed
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let reporter = Reporter(options: global.outputOptions(environment: ProcessInfo.processInfo.environment))
        let status = await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: "POST", path: "/v1/reload", body: nil)
            guard response.status == 200 || response.status == 422,
                case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body)),
                root["result"] != nil
            else {
                return reporter.failure(
                    ReplayFailure(status: response.status, body: response.body, headers: response.headers)
                )
            }
            if !reporter.options.quiet {
                if reporter.format.isJSON {
                    reporter.printRawJSON(response.body)
                } else {
                    print(Self.text(root))
                }
            }
            return response.status == 200 ? .ok : .badRequest
        }
        throw ExitCode(status.rawValue)
    }

    static func text(_ root: [String: JSONValue]) -> String {
        let result = DisplayText.text(root["result"])
        var lines: [String]
        switch result {
        case "applied": lines = ["reloaded \(DisplayText.text(root["config"])): the new config is in force"]
        case "unchanged": lines = ["\(DisplayText.text(root["config"])) is unchanged; nothing to do"]
        default: lines = ["reload rejected: the config in force stays"]
        }
        if case .array(let errors)? = root["errors"] {
            lines += errors.map { "  error: \(DisplayText.text($0))" }
        }
        if case .array(let needed)? = root["restart_needed"], !needed.isEmpty {
            lines.append("restart needed for: " + needed.map { DisplayText.text($0) }.joined(separator: ", "))
        }
        lines.append(
            "digest \(DisplayText.text(root["old_digest"]).prefix(12)) → \(DisplayText.text(root["new_digest"]).prefix(12))"
        )
        return lines.joined(separator: "\n")
    }
}
