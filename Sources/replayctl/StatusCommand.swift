import ArgumentParser
import Foundation
import Strait

/// `replayctl status`: replayd's version, uptime, and what it last saw of Strait.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show replayd's version, uptime, upstream and the upstream's last-seen health."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let format = OutputFormat.resolve(global.output)
        let reporter = Reporter(format: format)
        let status = await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: "GET", path: "/v1/gateway/status")
            guard response.status == 200 else {
                return reporter.failure(
                    response: response.body,
                    httpStatus: response.status,
                    requestID: response.headers["X-Request-Id"]
                )
            }
            switch format {
            case .json: reporter.printRawJSON(response.body)
            case .table: print(Self.table(response.body))
            }
            return .ok
        }
        throw ExitCode(status.rawValue)
    }

    static func table(_ body: [UInt8]) -> String {
        guard case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else {
            return String(decoding: body, as: UTF8.self)
        }
        func text(_ value: JSONValue?) -> String {
            switch value {
            case .string(let string): return string
            case .number(let number): return number.rounded() == number ? String(Int64(number)) : String(number)
            case .bool(let bool): return String(bool)
            default: return "-"
            }
        }
        var upstream: [String: JSONValue] = [:]
        if case .object(let object)? = root["upstream"] { upstream = object }
        return [
            "replayd    \(text(root["version"])) (up \(text(root["uptime_seconds"]))s, since \(text(root["started_at"])))",
            "socket     \(text(root["socket"]))",
            "you        \(text(root["principal"]))",
            "upstream   \(text(upstream["base_url"]))",
            "  health   \(text(upstream["state"]))",
            "  last     status \(text(upstream["last_status"])) at \(text(upstream["last_response_at"]))",
            "  failure  \(text(upstream["last_failure"])) at \(text(upstream["last_failure_at"]))",
        ].joined(separator: "\n")
    }
}
