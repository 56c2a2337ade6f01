import ArgumentParser
import Foundation
import Strait

/// `replayctl status`: replayd's version, uptime, and what it last saw of Strait.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show replayd's version, uptime, the upstream's last-seen health and the audit log's health."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let status = await Session.show(path: "/v1/gateway/status", global: global) { body, _ in Self.table(body) }
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
        var audit: [String: JSONValue] = [:]
        if case .object(let object)? = root["audit"] { audit = object }
        let auditState =
            text(audit["state"]) == "degraded"
            ? "DEGRADED: \(text(audit["reason"])) (replays are refused with 503)"
            : "\(text(audit["state"])), \(text(audit["head_seq"])) records, checkpoint at \(text(audit["checkpoint_size"]))"
        return [
            "replayd    \(text(root["version"])) (up \(text(root["uptime_seconds"]))s, since \(text(root["started_at"])))",
            "socket     \(text(root["socket"]))",
            "you        \(text(root["principal"]))",
            "upstream   \(text(upstream["base_url"]))",
            "  health   \(text(upstream["state"]))",
            "  last     status \(text(upstream["last_status"])) at \(text(upstream["last_response_at"]))",
            "  failure  \(text(upstream["last_failure"])) at \(text(upstream["last_failure_at"]))",
            "audit      \(auditState)",
        ].joined(separator: "\n")
    }
}
