import Foundation
import Logging
import Testing

@testable import ReplayCore

/// Helpers for the `SQLiteReplayStore` tests: every test gets its own directory and a real SQLite file.
enum StoreTesting {
    /// 2026-05-01T12:00:00Z, the `ManualReplayClock` default.
    static let t0: Int64 = 1_777_636_800_000
    static let hour: Int64 = 3_600_000

    /// A logger that drops everything (the store logs at info on open).
    static let logger = Logger(label: "replayd.store.test") { _ in SwiftLogNoOpLogHandler() }

    /// A fresh directory under the system temporary directory, removed when `body` returns.
    static func withDirectory<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        var template = Array((NSTemporaryDirectory() + "/replayd-store-test-XXXXXX").utf8CString)
        let path = try template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let created = mkdtemp(base) else {
                throw POSIXError(.init(rawValue: errno) ?? .EIO)
            }
            return String(cString: created)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    /// A store on a fresh file in a fresh directory; `body` also gets the file's path.
    static func withStore<Result>(
        _ body: (SQLiteReplayStore, String) async throws -> Result
    ) async throws -> Result {
        try await withDirectory { directory in
            let path = databasePath(in: directory)
            let store = try SQLiteReplayStore(path: path, logger: logger)
            return try await body(store, path)
        }
    }

    static func databasePath(in directory: String) -> String {
        directory + "/replayd.sqlite"
    }

    /// A pending record; the fingerprint follows the request's identity, as the pipeline computes it.
    static func record(
        principal: String = "alice",
        key: String = "key-1",
        runID: String = "run_1",
        checkpoint: Int64? = nil,
        action: String = "replay",
        force: Bool = false,
        createdAt: Int64 = t0,
        requestID: String = "req-1"
    ) -> ReplayRecord {
        ReplayRecord(
            principal: principal,
            key: key,
            keySource: .client,
            fingerprint: "\(action)|\(runID)|\(checkpoint.map(String.init) ?? "-")",
            action: action,
            runID: runID,
            fromCheckpoint: checkpoint,
            force: force,
            door: "socket",
            requestID: requestID,
            createdAt: createdAt
        )
    }

    /// Claims `record` (no coalescing) and requires a new record.
    @discardableResult
    static func create(
        _ record: ReplayRecord,
        in store: some ReplayStore,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> ReplayRecord {
        let result = try await store.claim(record, coalesceSince: nil)
        guard case .created(let created) = result else {
            Issue.record("expected .created, got \(result)", sourceLocation: sourceLocation)
            throw StoreError(.io, "claim did not create")
        }
        return created
    }

    /// The permission bits of `path`, or nil when it does not exist.
    static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }
}

extension ClaimResult {
    /// The record this claim inserted or found.
    var record: ReplayRecord {
        switch self {
        case .created(let record), .existing(let record), .fingerprintMismatch(let record), .coalesced(let record, _):
            return record
        }
    }

    var isCreated: Bool {
        if case .created = self { return true }
        return false
    }
}

/// The store calls by record id that the store tests make: each reads the record first (the production calls take
/// the caller's copy). An unknown id goes to the store with a stand-in record of that id, so that the store itself
/// answers `not_found`.
extension ReplayStore {
    private func current(_ id: ReplayRecordID) async throws(StoreError) -> ReplayRecord {
        if let record = try await record(id) { return record }
        return ReplayRecord(
            principal: id.principal,
            key: id.key,
            keySource: .client,
            fingerprint: "-",
            runID: "-",
            fromCheckpoint: nil,
            force: false,
            door: "-",
            requestID: "-",
            createdAt: 0
        )
    }

    /// ``ReplayStore/recordAttempt(_:requestID:at:)`` by id; returns the new attempt.
    func recordAttempt(
        _ id: ReplayRecordID,
        requestID: String,
        at time: Int64
    ) async throws(StoreError) -> AttemptRecord {
        let updated = try await recordAttempt(try await current(id), requestID: requestID, at: time)
        guard let attempt = updated.attempts.last else { throw StoreError(.io, "no attempt was recorded") }
        return attempt
    }

    /// An attempt's result alone: ``ReplayStore/finishAttempt(_:attempt:outcome:status:detail:at:_:)`` by id,
    /// with no other change.
    func recordAttemptResult(
        _ id: ReplayRecordID,
        attempt number: Int,
        outcome: AttemptOutcome,
        status: Int?,
        detail: String?,
        at time: Int64
    ) async throws(StoreError) {
        try await finishAttempt(
            id,
            attempt: number,
            outcome: outcome,
            status: status,
            detail: detail,
            at: time,
            .init()
        )
    }

    /// ``ReplayStore/finishAttempt(_:attempt:outcome:status:detail:at:_:)`` by id.
    func finishAttempt(
        _ id: ReplayRecordID,
        attempt number: Int,
        outcome: AttemptOutcome,
        status: Int?,
        detail: String?,
        at time: Int64,
        _ change: RecordChange
    ) async throws(StoreError) {
        _ = try await finishAttempt(
            try await current(id),
            attempt: number,
            outcome: outcome,
            status: status,
            detail: detail,
            at: time,
            change
        )
    }

    /// ``ReplayStore/update(_:at:_:)`` by id; returns the record as read back afterwards.
    @discardableResult
    func update(_ id: ReplayRecordID, at time: Int64, _ change: RecordChange) async throws(StoreError) -> ReplayRecord {
        _ = try await update(try await current(id), at: time, change)
        guard let updated = try await record(id) else { throw StoreError(.notFound, "no replay record \(id)") }
        return updated
    }
}
