import GRDB

extension SQLiteReplayStore {
    /// Maps anything GRDB, SQLite or a transaction body throws to a `StoreError`.
    ///
    /// A `StoreError` thrown inside a transaction (`notFound`, a decoding failure) passes through unchanged.
    /// Anything else gets `code` (`.io` for a read or write; `.unavailable` while opening) and a message naming
    /// the operation and the SQLite cause. Messages never carry statement arguments (keys, bodies): GRDB only puts
    /// them in its own descriptions when `publicStatementArguments` is on, and we never turn it on nor use them.
    static func storeError(_ error: any Error, _ operation: String, code: StoreError.Code = .io) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as DatabaseError:
            return StoreError(code, "\(operation) failed: \(describe(error))")
        case is CancellationError:
            return StoreError(code, "\(operation) was cancelled before it ran")
        case is RowDecodingError:
            return StoreError(code, "\(operation) failed: a stored row could not be decoded")
        default:
            return StoreError(code, "\(operation) failed: \(type(of: error))")
        }
    }

    /// A sentence for an SQLite failure, leading with what an operator can act on.
    private static func describe(_ error: DatabaseError) -> String {
        let cause: String
        switch error.resultCode {
        case .SQLITE_FULL:
            cause = "the disk is full"
        case .SQLITE_READONLY:
            cause = "the database is read-only"
        case .SQLITE_IOERR:
            cause = "an I/O error"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            cause = "the database file is corrupt or not a database"
        case .SQLITE_CANTOPEN:
            cause = "the database file cannot be opened"
        case .SQLITE_PERM, .SQLITE_AUTH:
            cause = "permission denied"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            cause = "the database stayed locked past the busy timeout"
        case .SQLITE_CONSTRAINT:
            cause = "a constraint failed"
        case .SQLITE_MISUSE:
            cause = "the store is closed or misused"
        default:
            cause = "an SQLite error"
        }
        let detail = error.message.map { ": \($0)" } ?? ""
        return "\(cause) (SQLite \(error.extendedResultCode.rawValue)\(detail))"
    }
}
