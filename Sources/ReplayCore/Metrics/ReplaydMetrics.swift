import Audit
import CoreMetrics

/// replayd's metrics, made through an injected swift-metrics factory (the daemon passes a Prometheus one with its
/// own registry; nothing is bootstrapped globally below `main`).
///
/// Counters and histograms come from what the pipeline records (see ``MeteredAuditSink``) and from denials as they
/// happen (before the audit log aggregates floods); gauges are set when metrics are read. Labels are bounded: door,
/// configured source names, stage, decision, outcome class, status class and reason codes, never run ids, keys,
/// principals or user ids.
public final class ReplaydMetrics: Sendable {
    private let factory: any MetricsFactory
    private let sources: Set<String>

    /// Creates the metrics.
    ///
    /// - Parameters:
    ///   - factory: makes the handlers (a Prometheus factory on the daemon's registry).
    ///   - sources: the configured webhook source names; any other source is labelled `other`.
    public init(factory: any MetricsFactory, sources: Set<String>) {
        self.factory = factory
        self.sources = sources
    }

    /// Counts what one durable audit record says, and how long it took to become durable.
    public func recorded(_ record: AuditRecord, durableAfter: Duration?) {
        if let durableAfter {
            Timer(label: "replayd_audit_sync_seconds", factory: factory).recordNanoseconds(
                Self.nanoseconds(durableAfter)
            )
        }
        let door = Self.label(record.door)
        switch (record.kind, record.stage) {
        case (.replay, "received"):
            counter("replayd_requests_total", ("door", door), ("source", source(record, door: door)))
        case (.replay, "answered"):
            let decision = Self.label(record.decision)
            counter("replayd_answers_total", ("door", door), ("decision", decision))
            if decision == "idempotent_replay" { counter("replayd_idempotency_hits_total", ("door", door)) }
        case (.replay, "attempt"):
            let status = Self.statusClass(record.attempt?.status)
            let outcome = Self.label(record.attempt?.outcome)
            guard outcome != "recorded" else { return }
            counter("replayd_upstream_attempts_total", ("status_class", status), ("outcome", outcome))
            if let microseconds = record.latencyMicroseconds {
                Timer(
                    label: "replayd_upstream_latency_seconds",
                    dimensions: [("status_class", status)],
                    factory: factory
                )
                .recordMicroseconds(microseconds)
            }
        case (.replay, "outcome"):
            counter("replayd_replay_outcomes_total", ("door", door), ("outcome", Self.label(record.decision)))
            if record.reason?.hasPrefix("coalesced into") == true {
                counter("replayd_coalesced_replays_total", ("door", door))
            }
        case (.lifecycle, let stage?) where stage.hasPrefix("reload_"):
            counter("replayd_reloads_total", ("result", Self.label(String(stage.dropFirst("reload_".count)))))
        case (.lifecycle, let stage?) where stage == "pause" || stage == "resume":
            counter("replayd_pause_actions_total", ("action", stage))
        case (.webhook, let stage?):
            counter(
                "replayd_webhook_deliveries_total",
                ("door", door),
                ("source", source(record, door: door)),
                ("stage", Self.label(stage)),
                ("decision", Self.label(record.decision))
            )
        case (.operator, _):
            counter("replayd_operator_actions_total", ("decision", Self.label(record.decision)))
        default:
            return
        }
    }

    /// Counts one reconciliation round by what it found.
    public func reconciled(_ result: ReconciliationResult) {
        counter("replayd_reconciliations_total", ("result", result.rawValue))
    }

    /// The audit log's group commits so far: records committed, commits (one write and one sync each) and the
    /// largest group, so that `rate(records) / rate(commits)` is the mean group size.
    public func auditGroups(records: Int64, commits: Int64, largest: Int) {
        gauge("replayd_audit_records_committed", Double(records))
        gauge("replayd_audit_group_commits", Double(commits))
        gauge("replayd_audit_group_size_max", Double(largest))
    }

    /// How far a verified delivery's signed timestamp was from replayd's clock (either way), by sender kind.
    public func senderClockSkew(kind: String, seconds: Int64) {
        Timer(label: "replayd_webhook_clock_skew_seconds", dimensions: [("kind", kind)], factory: factory)
            .recordSeconds(Double(seconds.magnitude))
    }

    /// How long a webhook answer took against its sender's deadline, by sender kind; a late one is also counted.
    public func webhookAck(kind: String, after elapsed: Duration, deadline: Duration) {
        Timer(label: "replayd_webhook_ack_seconds", dimensions: [("kind", kind)], factory: factory)
            .recordNanoseconds(Self.nanoseconds(elapsed))
        if elapsed > deadline { counter("replayd_webhook_acks_late_total", ("kind", kind)) }
    }

    /// The follow-up outbox after a worker pass: replies still owed, and how long the oldest has waited.
    public func followUpOutbox(pending: Int, oldestAgeSeconds: Double) {
        gauge("replayd_followups_pending", Double(pending))
        gauge("replayd_followups_oldest_pending_age_seconds", oldestAgeSeconds)
    }

    /// Counts an audit record that could not be made durable.
    public func recordFailed(_ record: AuditRecord, code: AuditError.Code) {
        counter("replayd_audit_failures_total", ("code", code.rawValue))
    }

    /// Counts one refusal (unmapped peer, bad request, failed verification, rate limit…) by its reason code.
    public func denied(door: String, source: String, reason: String) {
        let door = Self.label(door)
        counter(
            "replayd_denials_total",
            ("door", door),
            ("source", door == "socket" ? "socket" : sources.contains(source) ? source : "other"),
            ("reason", Self.reasonCode(reason))
        )
    }

    /// Sets a gauge (sampled state: breaker, pacer limit, replays in progress, audit health).
    public func gauge(_ name: String, _ value: Double, _ labels: (String, String)...) {
        Gauge(label: name, dimensions: labels, factory: factory).record(value)
    }

    private func counter(_ name: String, _ labels: (String, String)...) {
        Counter(label: name, dimensions: labels, factory: factory).increment()
    }

    private func source(_ record: AuditRecord, door: String) -> String {
        guard door != "socket", let source = record.source, sources.contains(source) else {
            return door == "socket" ? "socket" : "other"
        }
        return source
    }

    /// `2xx` … `5xx`, or `none` without an answer.
    static func statusClass(_ status: Int?) -> String {
        guard let status, (100..<600).contains(status) else { return "none" }
        return "\(status / 100)xx"
    }

    /// A value from code (door, stage, decision) as a label: lower-case letters, digits and `_`, at most 40
    /// characters; anything else is `other`.
    static func label(_ value: String?) -> String {
        guard let value, !value.isEmpty, value.utf8.count <= 40,
            value.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F })
        else { return value == nil ? "none" : "other" }
        return value
    }

    /// The code at the start of a reason (`unmapped_sender: …` → `unmapped_sender`, `signature bad_signature: …`
    /// → `signature_bad_signature`); free text after the colon never becomes a label.
    static func reasonCode(_ reason: String) -> String {
        let head = reason.prefix { $0 != ":" }.replacingOccurrences(of: " ", with: "_")
        return label(head)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
