import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

/// `replayctl status`: who replayd thinks you are, its version and uptime, the upstream's health, breaker and
/// learned rate limit, the replays in flight and your pending ones, and the audit log's health.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Show who you are to replayd, its version, the upstream's health, breaker and rate limit, replays in flight, and pauses.",
        discussion: """
            Asks GET /v1/gateway/status, and GET /v1/replays?pending=true for your pending replays. JSON: the \
            status body with "pending_replays" (your count) added. The instance line shows this replayd's instance id \
            ([state] instance_id) and, with the PostgreSQL state, the live instances of the fleet.

            Examples:
              replayctl status
              replayctl status -o json | jq .upstream.breaker
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let reporter = Reporter(options: global.outputOptions(environment: ProcessInfo.processInfo.environment))
        let status = await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: "GET", path: "/v1/gateway/status")
            guard response.status == 200,
                case .object(var root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))
            else {
                return reporter.failure(
                    ReplayFailure(status: response.status, body: response.body, headers: response.headers)
                )
            }
            let pending = try await client.send(method: "GET", path: ReplayPaths.pending)
            if pending.status == 200, let list = try? JSONDecoder().decode(RecordList.self, from: Data(pending.body)) {
                root["pending_replays"] = .number(Double(list.data.count))
            }
            if reporter.options.quiet { return .ok }
            if reporter.format.isJSON {
                reporter.printJSON(JSONValue.object(root))
            } else {
                print(Self.table(root))
            }
            return .ok
        }
        throw ExitCode(status.rawValue)
    }

    static func table(_ root: [String: JSONValue]) -> String {
        func text(_ value: JSONValue?) -> String { DisplayText.text(value) }
        var upstream: [String: JSONValue] = [:]
        if case .object(let object)? = root["upstream"] { upstream = object }
        var audit: [String: JSONValue] = [:]
        if case .object(let object)? = root["audit"] { audit = object }
        var peer: [String: JSONValue] = [:]
        if case .object(let object)? = root["peer"] { peer = object }
        let auditState =
            text(audit["state"]) == "degraded"
            ? "DEGRADED: \(text(audit["reason"])) (replays are refused with 503)"
            : "\(text(audit["state"])), \(text(audit["head_seq"])) records, checkpoint at \(text(audit["checkpoint_size"]))"
        let principal = DisplayText.optionalText(root["principal"]) ?? "(not mapped: replays are refused)"
        var limit = text(upstream["rate_limit"])
        if let remaining = DisplayText.optionalText(upstream["rate_limit_remaining"]) {
            limit += " (\(remaining) remaining)"
        }
        return [
            "replayd    \(text(root["version"])) (up \(text(root["uptime_seconds"]))s, since \(text(root["started_at"])))",
            "socket     \(text(root["socket"]))",
            "you        uid \(text(peer["uid"])), principal \(principal)",
            "upstream   \(text(upstream["base_url"]))",
            "  health   \(text(upstream["state"]))",
            "  breaker  \(text(upstream["breaker"]))",
            "  limit    \(limit)",
            "  last     status \(text(upstream["last_status"])) at \(text(upstream["last_response_at"]))",
            "  failure  \(text(upstream["last_failure"])) at \(text(upstream["last_failure_at"]))",
            "replays    \(text(upstream["active_replays"])) in flight, \(text(root["pending_replays"])) of yours pending",
            "audit      \(auditState)",
        ].joined(separator: "\n") + instanceLines(root) + pauseLines(root)
    }

    /// The instance lines: this instance's id and, with the PostgreSQL registry, the live instances (how long
    /// since each one's heartbeat, by the database's clock) and a failing heartbeat or a shared id.
    static func instanceLines(_ root: [String: JSONValue]) -> String {
        guard case .object(let instance)? = root["instance"] else { return "" }
        var lines = ["instance   \(DisplayText.text(instance["id"]))"]
        if case .array(let live)? = instance["instances"] {
            let names = live.map { value -> String in
                guard case .object(let row) = value else { return "?" }
                return "\(DisplayText.text(row["id"])) (seen \(DisplayText.text(row["last_seen"])), skew "
                    + "\(DisplayText.text(row["skew_ms"])) ms)"
            }
            lines.append("  fleet    \(live.count) live: \(names.joined(separator: ", "))")
        } else if instance["registry"] == .bool(true) {
            lines.append("  fleet    no heartbeat yet")
        }
        if let held = DisplayText.optionalText(instance["leases_held"]) {
            lines.append("  leases   \(held) held")
        }
        if case .object(let budget)? = instance["budget"] {
            var parts = [
                "limit \(DisplayText.optionalText(budget["limit"]) ?? "not learned yet")",
                "remaining \(DisplayText.optionalText(budget["remaining"]) ?? "?")",
                "\(DisplayText.text(budget["granted"])) granted",
            ]
            if let ends = DisplayText.optionalText(budget["window_ends_in_ms"]) {
                parts.append("window ends within \(ends) ms")
            }
            if let paused = DisplayText.optionalText(budget["paused_for_ms"]) { parts.append("paused \(paused) ms") }
            if budget["reachable"] == .bool(false) { parts.append("DATABASE UNREACHABLE: calls wait") }
            lines.append("  budget   fleet: " + parts.joined(separator: ", "))
        }
        if let error = DisplayText.optionalText(instance["registry_error"]) {
            lines.append("  registry heartbeat failing: \(error)")
        }
        if case .object(let other)? = instance["id_claimed_by"] {
            lines.append(
                "  WARNING  another replayd uses this instance id (host \(DisplayText.text(other["host"])), pid "
                    + "\(DisplayText.text(other["pid"]))): give each its own [state] instance_id"
            )
        }
        return "\n" + lines.joined(separator: "\n")
    }

    /// The pause lines (`replayctl pause`), when the daemon reports them.
    static func pauseLines(_ root: [String: JSONValue]) -> String {
        guard case .object(let pause)? = root["pause"] else { return "" }
        return "\n" + PauseCommand.describe(pause)
    }
}
