/// The rules of a claim's decision, shared by every backend's `claim` and `previewClaim` (SQLite in one
/// transaction, PostgreSQL in one batch savepoint or one read), so that explain and the claim, and the two backends,
/// cannot disagree. A backend supplies only the lookups.
extension ClaimPreview {
    /// What a claim of `record` decides, given the stored record with its id (`existing`) and a lookup of the newest
    /// record it could coalesce into since a time (`target`, called only when coalescing applies).
    static func decide(
        _ record: ReplayRecord,
        coalesceSince: Int64?,
        existing: ReplayRecord?,
        target: (_ since: Int64) throws -> ReplayRecord?
    ) rethrows -> ClaimPreview {
        if let existing { return answer(record, existing: existing) }
        guard let since = coalescingSince(record, coalesceSince) else { return .create }
        return try target(since).map { .coalesce(into: $0) } ?? .create
    }

    /// ``decide(_:coalesceSince:existing:target:)`` with an asynchronous lookup (the same rules).
    static func decide(
        _ record: ReplayRecord,
        coalesceSince: Int64?,
        existing: ReplayRecord?,
        target: (_ since: Int64) async throws -> ReplayRecord?
    ) async rethrows -> ClaimPreview {
        if let existing { return answer(record, existing: existing) }
        guard let since = coalescingSince(record, coalesceSince) else { return .create }
        return try await target(since).map { .coalesce(into: $0) } ?? .create
    }

    /// A key that exists answers from its record, or refuses a different request under it.
    static func answer(_ record: ReplayRecord, existing: ReplayRecord) -> ClaimPreview {
        existing.fingerprint == record.fingerprint ? .existing(existing) : .fingerprintMismatch(existing)
    }

    /// Where a new record looks for a replay to coalesce into, or `nil` when it must not coalesce (no window, or
    /// `force`).
    private static func coalescingSince(_ record: ReplayRecord, _ coalesceSince: Int64?) -> Int64? {
        guard let coalesceSince, !record.force else { return nil }
        return coalesceSince
    }
}
