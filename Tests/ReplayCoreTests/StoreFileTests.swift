import Foundation
import GRDB
import Testing

@testable import ReplayCore

/// The file itself: WAL, FULL sync, mode 0600, migrations, and failures mapped to `StoreError`.
@Suite struct StoreFileTests {
    typealias T = StoreTesting

    @Test func connectionIsWALWithFullSyncForeignKeysAndABusyTimeout() async throws {
        try await T.withStore { store, path in
            let pragmas = try await store.withWriterConnection { db in
                [
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try String.fetchOne(db, sql: "PRAGMA synchronous"),
                    try String.fetchOne(db, sql: "PRAGMA foreign_keys"),
                    try String.fetchOne(db, sql: "PRAGMA busy_timeout"),
                ]
            }
            #expect(pragmas == ["wal", "2", "1", "5000"])  // synchronous 2 = FULL

            // WAL is a property of the file: a plain connection opened afterwards sees it too.
            let plain = try DatabaseQueue(path: path)
            #expect(try await plain.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
            try plain.close()
        }
    }

    @Test func filesAreOwnerOnly() async throws {
        try await T.withStore { store, path in
            try await T.create(T.record(), in: store)
            #expect(T.mode(of: path) == 0o600)
            #expect(T.mode(of: path + "-wal") == 0o600)
            #expect(T.mode(of: path + "-shm") == 0o600)
        }
    }

    @Test func existingFileReadableByOthersIsTightened() async throws {
        try await T.withDirectory { directory in
            let path = T.databasePath(in: directory)
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            #expect(chmod(path, 0o644) == 0)
            let store = try SQLiteReplayStore(path: path, logger: T.logger)
            #expect(T.mode(of: path) == 0o600)
            try await T.create(T.record(), in: store)
        }
    }

    @Test(.enabled(if: geteuid() == 0, "needs root to give a file to another user"))
    func aStoreFileOwnedByAnotherUserIsRefused() async throws {
        try await T.withDirectory { directory in
            let path = T.databasePath(in: directory)
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            #expect(chmod(path, 0o600) == 0)
            #expect(chown(path, 65534, 65534) == 0)
            do throws(StoreError) {
                _ = try SQLiteReplayStore(path: path, logger: T.logger)
                Issue.record("opened another user's store file")
            } catch {
                #expect(error.message.contains("\(path) is owned by uid 65534"), "\(error.message)")
                #expect(error.message.contains("fix: chown root \(path)"), "\(error.message)")
            }
        }
    }

    @Test func aSymlinkedStoreFileIsRefused() async throws {
        try await T.withDirectory { directory in
            let path = T.databasePath(in: directory)
            #expect(symlink(directory + "/elsewhere.sqlite", path) == 0)
            #expect(throws: StoreError.self) {
                _ = try SQLiteReplayStore(path: path, logger: T.logger)
            }
            #expect(!FileManager.default.fileExists(atPath: directory + "/elsewhere.sqlite"))
        }
    }

    @Test(arguments: ["missing-directory/replayd.sqlite", "a-file/replayd.sqlite", "a-directory"])
    func unusableLocationIsUnavailable(relativePath: String) async throws {
        try await T.withDirectory { directory in
            #expect(FileManager.default.createFile(atPath: directory + "/a-file", contents: Data("x".utf8)))
            try FileManager.default.createDirectory(
                atPath: directory + "/a-directory",
                withIntermediateDirectories: false
            )
            let path = directory + "/" + relativePath
            do throws(StoreError) {
                _ = try SQLiteReplayStore(path: path, logger: T.logger)
                Issue.record("opened a store at \(path)")
            } catch {
                #expect(error.code == .unavailable)
                #expect(error.message.contains(path))
            }
        }
    }

    @Test func fileThatIsNotADatabaseIsUnavailable() async throws {
        try await T.withDirectory { directory in
            let path = T.databasePath(in: directory)
            try Data(repeating: 0x41, count: 8_192).write(to: URL(fileURLWithPath: path))
            do throws(StoreError) {
                _ = try SQLiteReplayStore(path: path, logger: T.logger)
                Issue.record("opened a file that is not a database")
            } catch {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("not a database"))
            }
        }
    }

    @Test func fullDiskIsAnIOErrorAndTheStoreRecovers() async throws {
        try await T.withStore { store, _ in
            let record = try await T.create(T.record(), in: store)
            // Cap the file at its current size: the next page it needs fails exactly as a full disk does.
            try await store.withWriterConnection { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                try db.execute(sql: "PRAGMA max_page_count = \(pages)")
            }
            let body = [UInt8](repeating: 7, count: 256 * 1024)
            do throws(StoreError) {
                try await store.update(record.id, at: T.t0 + 1, RecordChange(state: .succeeded, responseBody: body))
                Issue.record("a write past the file's size limit succeeded")
            } catch {
                #expect(error.code == .io)
                #expect(error.message.contains("disk is full"))
            }
            #expect(try await store.record(record.id) == record)  // rolled back

            try await store.withWriterConnection { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
            let done = try await store.update(
                record.id,
                at: T.t0 + 2,
                RecordChange(state: .succeeded, responseBody: body)
            )
            #expect(done.responseBody == body)
        }
    }

    @Test func readOnlyDatabaseIsAnIOError() async throws {
        try await T.withStore { store, _ in
            let record = try await T.create(T.record(), in: store)
            try await store.withWriterConnection { db in try db.execute(sql: "PRAGMA query_only = 1") }
            do throws(StoreError) {
                _ = try await store.recordAttempt(record.id, requestID: "att-1", at: T.t0)
                Issue.record("wrote to a read-only database")
            } catch {
                #expect(error.code == .io)
                #expect(error.message.contains("read-only"))
            }
            #expect(try await store.record(record.id)?.attempts == [])
        }
    }

    @Test func callsAfterCloseFail() async throws {
        try await T.withStore { store, _ in
            let record = try await T.create(T.record(), in: store)
            try store.close()
            do throws(StoreError) {
                _ = try await store.record(record.id)
                Issue.record("read from a closed store")
            } catch {
                #expect(error.code == .io)
            }
            do throws(StoreError) {
                _ = try await store.prune(updatedBefore: T.t0)
                Issue.record("wrote to a closed store")
            } catch {
                #expect(error.code == .io)
            }
        }
    }

    @Test func v1CreatesTheTablesAndIndexesAndReopeningAppliesNothing() async throws {
        try await T.withDirectory { directory in
            let path = T.databasePath(in: directory)
            let first = try SQLiteReplayStore(path: path, logger: T.logger)
            let record = try await T.create(T.record(), in: first)
            try first.close()
            let second = try SQLiteReplayStore(path: path, logger: T.logger)
            #expect(try await second.record(record.id) == record)
            let (migrations, indexes) = try await second.withWriterConnection { db in
                (
                    try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"),
                    try String.fetchAll(
                        db,
                        sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
                    )
                )
            }
            #expect(
                migrations == [
                    "v1", "v2-webhooks", "v3-team-tokens", "v4-pause", "v5-leases", "v6-upstream-budget",
                    "v7-instances", "v8-upstream-schedule",
                ]
            )
            #expect(
                indexes == [
                    "attempts_request_id", "replays_coalescing", "replays_new_run", "replays_state", "replays_updated",
                    "team_tokens_hash", "team_tokens_unaudited", "webhook_deliveries_received",
                    "webhook_deliveries_replies",
                ]
            )
        }
    }

    @Test func laterMigrationUpgradesAV1FileAndOlderCodeRefusesIt() async throws {
        try await T.withDirectory { directory in
            let path = T.databasePath(in: directory)
            let v1 = try SQLiteReplayStore(path: path, logger: T.logger)
            let record = try await T.create(T.record(), in: v1)
            let attempt = try await v1.recordAttempt(record.id, requestID: "att-1", at: T.t0 + 1)
            try v1.close()

            var migrator = SQLiteReplayStore.migrator
            migrator.registerMigration("v5-test") { db in
                try db.execute(sql: "ALTER TABLE replays ADD COLUMN note TEXT")
                try db.execute(sql: "CREATE INDEX replays_note ON replays (note)")
            }
            let v2 = try SQLiteReplayStore(path: path, logger: T.logger, migrator: migrator)
            let upgraded = try #require(try await v2.record(record.id))
            #expect(upgraded.attempts == [attempt])
            #expect(upgraded.state == .inFlight)
            try await T.create(T.record(key: "after-v2"), in: v2)
            try v2.close()

            let v2Migrator = migrator
            let again = try SQLiteReplayStore(path: path, logger: T.logger, migrator: v2Migrator)
            let applied = try await again.withWriterConnection { db in try v2Migrator.appliedMigrations(db) }
            #expect(
                applied == [
                    "v1", "v2-webhooks", "v3-team-tokens", "v4-pause", "v5-leases", "v6-upstream-budget",
                    "v7-instances", "v8-upstream-schedule", "v5-test",
                ]
            )
            try again.close()

            do throws(StoreError) {
                _ = try SQLiteReplayStore(path: path, logger: T.logger)
                Issue.record("a replayd without v2 opened a v2 file")
            } catch {
                #expect(error.code == .unavailable)
                #expect(error.message.contains("newer replayd"))
            }
        }
    }
}
