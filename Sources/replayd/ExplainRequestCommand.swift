import ArgumentParser
import Foundation
import Ingress
import ReplayCore

/// `replayd explain --request FILE`: explain a captured webhook request offline.
struct ExplainRequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain what replayd would do with a captured webhook request, without a daemon.",
        discussion: """
            FILE holds the raw HTTP request as it reached replayd (request line, headers, blank line, body; CRLF \
            or LF line ends), for example from `tcpdump -A`, a reverse proxy's request log or `nc -l`. replayd \
            finds the [[sources]] its path names, runs that source's verifier on the raw bytes (as the listener \
            does, but with no dedup claim and no audit record), and prints which key of the keyring matched (its \
            id and position, never the secret), whether the signed timestamp is inside the tolerance at --now, the \
            sender and the principal it maps to, the command, and the replay request it would become.

            Exit status: 0 would be accepted, 1 would be refused (the reason is printed), 2 the file or the config \
            cannot be read.

            Examples:
              replayd explain --request slack.http
              replayd explain --request github.http --config /etc/replayd/replayd.toml
              replayd explain --request old-capture.http --now 1733050000
            """
    )

    @Option(name: .long, help: ArgumentHelp("The captured request (raw HTTP; - for stdin).", valueName: "file"))
    var request: String

    @Option(name: .long, help: ArgumentHelp("The config file.", valueName: "file"))
    var config = "/etc/replayd/replayd.toml"

    @Option(
        name: .long,
        help: ArgumentHelp("Judge the timestamp at this time (unix seconds; default now).", valueName: "seconds")
    )
    var now: Int64?

    func run() async throws {
        let settings: ReplaydConfig
        do {
            settings = try ReplaydConfig.load(
                path: config,
                environment: ProcessInfo.processInfo.environment,
                loadsUpstreamKey: false
            )
        } catch {
            Self.fail("\(error)")
        }
        let bytes: [UInt8]
        if request == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: request) else {
                Self.fail("cannot read \(request)")
            }
            bytes = Array(data)
        }
        let captured: CapturedHTTPRequest
        do {
            captured = try CapturedHTTPRequest(parsing: bytes)
        } catch {
            Self.fail("\(request): \(error.message)")
        }
        let explainer = WebhookRequestExplainer(
            sources: settings.sources,
            directory: PrincipalDirectory(mappings: settings.principals),
            tolerance: settings.webhooks.timestampTolerance
        )
        let explanation = explainer.explain(captured, now: now ?? Int64(Date().timeIntervalSince1970))
        print(explanation.text)
        throw ExitCode(explanation.accepted ? 0 : 1)
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("replayd explain: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
