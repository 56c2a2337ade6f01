import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

/// `replayctl version`: the client's version and the daemon's (from `GET /v1/_ping`).
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show replayctl's version and replayd's.",
        discussion: """
            Prints the client's version, then asks replayd for its own. When replayd cannot be reached, the client \
            part is still printed and the exit code says why (9). JSON: {"client":{"version"},"daemon":{"version"}}.

            Examples:
              replayctl version
              replayctl version -o json
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let options = global.outputOptions(environment: ProcessInfo.processInfo.environment)
        let reporter = Reporter(options: options)
        let client = ReplayctlVersion.current
        if !options.format.isJSON, !options.quiet { print("client  replayctl \(client)") }
        if options.quiet { print(client) }
        let status = await Session.run(global: global, reporter: reporter) { daemon async throws(DaemonError) in
            let response = try await daemon.send(method: "GET", path: "/v1/_ping")
            guard response.status == 200 else {
                return reporter.failure(
                    ReplayFailure(status: response.status, body: response.body, headers: response.headers)
                )
            }
            let version =
                (try? JSONDecoder().decode([String: String].self, from: Data(response.body)))?["version"] ?? "?"
            if options.quiet { return .ok }
            if options.format.isJSON {
                reporter.printJSON(
                    JSONValue.object([
                        "client": .object(["version": .string(client)]),
                        "daemon": .object(["version": .string(version), "socket": .string(daemon.socketPath)]),
                    ])
                )
            } else {
                print("daemon  replayd \(version) at \(daemon.socketPath)")
            }
            return .ok
        }
        throw ExitCode(status.rawValue)
    }
}
