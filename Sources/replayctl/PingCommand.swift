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
        let format = OutputFormat.resolve(global.output)
        let reporter = Reporter(format: format)
        let status = await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: "GET", path: "/v1/_ping")
            guard response.status == 200 else {
                return reporter.failure(
                    response: response.body,
                    httpStatus: response.status,
                    requestID: response.headers["X-Request-Id"]
                )
            }
            switch format {
            case .json: reporter.printRawJSON(response.body)
            case .table:
                let version = (try? JSONDecoder().decode([String: String].self, from: Data(response.body)))?["version"]
                print("replayd \(version ?? "?") is up at \(client.socketPath)")
            }
            return .ok
        }
        throw ExitCode(status.rawValue)
    }
}
