import Foundation

/// An explanation (`replayctl explain`, `replay --dry-run`) as text for people: one section per pipeline stage,
/// then the verdict.
public enum ExplanationText {
    /// The explanation in `body`, or the body as text when it is not one.
    public static func render(body: [UInt8]) -> String {
        guard let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any],
            let verdict = json["verdict"] as? [String: Any]
        else { return String(decoding: body, as: UTF8.self) }
        var lines: [String] = ["DRY RUN: nothing was sent, claimed or recorded."]
        if let principal = json["principal"] as? [String: Any] {
            lines.append("")
            lines.append("principal    \(text(principal["name"]))")
            lines.append("  auth       \(text(principal["authenticated"]))")
            if let askedBy = principal["asked_by"] as? String {
                lines.append("  asked by   \(askedBy)")
                if let grant = principal["explain_as"] as? [String: Any] {
                    lines.append("  explain_as " + policy(grant))
                }
            }
        }
        if let request = json["request"] as? [String: Any] {
            var run = text(request["run_id"])
            if let checkpoint = request["from_checkpoint"] as? NSNumber { run += " from checkpoint \(checkpoint)" }
            if request["force"] as? Bool == true { run += " (force)" }
            lines.append("request      replay \(run) via \(text(request["door"])) [\(text(request["request_id"]))]")
        }
        if let grant = json["policy"] as? [String: Any] { lines.append("policy       " + policy(grant)) }
        let limits = json["limits"] as? [[String: Any]] ?? []
        if limits.isEmpty {
            lines.append("limits       none configured")
        } else {
            lines.append("limits")
            for limit in limits {
                var line = "  \(text(limit["name"])): \(text(limit["remaining"])) of \(text(limit["quota"])) left "
                line += "per \(text(limit["window_seconds"])) s"
                if let retry = limit["retry_after_seconds"] as? NSNumber { line += ", retry after \(retry) s" }
                lines.append(line)
            }
        }
        if let idempotency = json["idempotency"] as? [String: Any] {
            lines.append("idempotency  key \(text(idempotency["key"])) (\(text(idempotency["key_source"])))")
            var record = "  record     \(text(idempotency["record"]))"
            if let state = idempotency["state"] as? String { record += ", state \(state)" }
            if let run = idempotency["new_run_id"] as? String { record += ", new run \(run)" }
            if let run = idempotency["stored_run_id"] as? String { record += ", stored for run \(run)" }
            lines.append(record)
        }
        if let coalescing = json["coalescing"] as? [String: Any] {
            if coalescing["would_coalesce"] as? Bool == true {
                let into = (coalescing["into_key"] as? String) ?? "key hmac \(text(coalescing["into_key_hmac"]))"
                var line = "coalescing   yes: into \(into) (\(text(coalescing["into_state"])))"
                if let run = coalescing["into_new_run_id"] as? String { line += ", new run \(run)" }
                lines.append(line)
            } else {
                lines.append("coalescing   no: \(text(coalescing["reason"]))")
            }
        }
        if let upstream = json["upstream"] as? [String: Any] {
            let sends = upstream["would_send"] as? Bool == true
            lines.append("upstream     \(sends ? "would send" : "would not send"):")
            lines.append("  \(text(upstream["method"])) \(text(upstream["url"]))")
            for header in upstream["headers"] as? [[String: Any]] ?? [] {
                lines.append("  \(text(header["name"])): \(text(header["value"]))")
            }
            lines.append(
                "  (body \((upstream["body"] as? String).map { "\($0.utf8.count) bytes" } ?? "none"); "
                    + "X-Request-Id \(text(upstream["x_request_id_shape"])))"
            )
        }
        var answer = "verdict      \(text(verdict["status"]))"
        if let code = verdict["code"] as? String { answer += " \(code)" }
        answer += " (\(text(verdict["stage"])))"
        lines.append(answer)
        lines.append("  \(text(verdict["message"]))")
        return lines.joined(separator: "\n")
    }

    private static func policy(_ verdict: [String: Any]) -> String {
        let allowed = verdict["allowed"] as? Bool == true
        var line = allowed ? "allowed" : "denied"
        if let grant = verdict["grant"] as? String { line += " by grant \(grant)" }
        let reason = text(verdict["reason"])
        // A reason that already says its decision ("allowed: a mapped principal ...") is not prefixed twice.
        if verdict["grant"] == nil || verdict["grant"] is NSNull, reason.hasPrefix(line + ":") { return reason }
        return line + ": \(reason)"
    }

    private static func text(_ value: Any?) -> String {
        switch value {
        case let string as String: return string
        case let number as NSNumber: return number.stringValue
        case nil, is NSNull: return "-"
        default: return "\(value ?? "-")"
        }
    }
}
