import Audit

extension ReplayAuditor {
    /// Records that this instance took a replay over from another one whose lease on it expired (kind `replay`,
    /// stage `lease_takeover`, decision `taken_over`), naming both instances (`details.instance`,
    /// `details.previous_instance`) and the record's new fencing token. Durable when it returns: it is written
    /// before the record is driven here.
    func leaseTakeover(_ takeover: LeaseTakeover, instance: String) async throws(AuditError) {
        var details: [(String, AuditJSON)] = [
            ("instance", .string(instance)),
            ("previous_instance", takeover.previousOwner.map(AuditJSON.string) ?? .null),
            ("fence", .int(takeover.fence)),
        ]
        if let expiry = takeover.previousExpiry { details.append(("previous_expires_at_ms", .int(expiry))) }
        try await sink.record(
            AuditRecord(
                kind: .replay,
                stage: "lease_takeover",
                actor: AuditRecord.Actor(kind: "system", principal: takeover.id.principal),
                idempotencyKeyHash: key.hashValue(takeover.id.key),
                decision: "taken_over",
                reason: takeover.previousOwner.map { "the lease of instance \($0) expired" }
                    ?? "the replay had no lease",
                details: details
            )
        )
    }

    /// Records that this instance lost its lease on a replay to another instance (kind `replay`, stage
    /// `lease_lost`), naming both (`details.instance`, `details.new_instance`): it sends nothing more for it and
    /// its late writes fail. Durable when it returns.
    func leaseLost(_ loss: LeaseLoss, instance: String) async throws(AuditError) {
        try await sink.record(
            AuditRecord(
                kind: .replay,
                stage: "lease_lost",
                actor: AuditRecord.Actor(kind: "system", principal: loss.id.principal),
                idempotencyKeyHash: key.hashValue(loss.id.key),
                decision: "lost",
                reason: "another instance took the replay over after this instance's lease expired",
                details: [
                    ("instance", .string(instance)),
                    ("new_instance", loss.newOwner.map(AuditJSON.string) ?? .null),
                    ("fence", .int(loss.fence)),
                    ("new_fence", .int(loss.newFence)),
                ]
            )
        )
    }
}
