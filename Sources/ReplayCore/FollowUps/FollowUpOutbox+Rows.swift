import Foundation
import GRDB

/// Mapping between `follow_ups` rows and `FollowUp`, and enqueue validation. Runs inside the outbox's transactions.
extension FollowUpOutbox {
    /// The longest id accepted.
    static let maxIDLength = 512

    /// The `follow_ups` columns, in the order `insert` binds them.
    static let columns = """
        id, kind, destination, body, conversation, created_at, not_after, state, attempts, next_attempt_at, \
        last_status, last_error, failure_code, updated_at, finished_at
        """

    /// Refuses a follow-up that could never be posted, without echoing its destination.
    static func validate(_ followUp: FollowUp) throws(FollowUpError) {
        guard !followUp.id.isEmpty, followUp.id.utf8.count <= maxIDLength else {
            throw FollowUpError(.invalidFollowUp, "a follow-up id must have 1 to \(maxIDLength) bytes")
        }
        guard !followUp.conversation.isEmpty else {
            throw FollowUpError(.invalidFollowUp, "follow-up \(followUp.id) has no conversation")
        }
        guard FollowUpRedaction.isHTTPURL(followUp.destination) else {
            throw FollowUpError(
                .invalidFollowUp,
                "follow-up \(followUp.id) has a destination that is not an absolute http(s) URL"
            )
        }
        guard followUp.notAfter > followUp.createdAt else {
            throw FollowUpError(.invalidFollowUp, "follow-up \(followUp.id) has notAfter at or before createdAt")
        }
        guard followUp.attempts >= 0 else {
            throw FollowUpError(.invalidFollowUp, "follow-up \(followUp.id) has a negative attempt count")
        }
    }

    static func insert(_ followUp: FollowUp, _ db: Database) throws {
        let placeholders = Array(repeating: "?", count: 15).joined(separator: ", ")
        let statement = try db.cachedStatement(sql: "INSERT INTO follow_ups (\(columns)) VALUES (\(placeholders))")
        let values: [(any DatabaseValueConvertible)?] = [
            followUp.id, followUp.kind.rawValue, followUp.destination, Data(followUp.body), followUp.conversation,
            followUp.createdAt, followUp.notAfter, followUp.state.rawValue, followUp.attempts,
            followUp.nextAttemptAt, followUp.lastStatus, followUp.lastError, followUp.failureCode?.rawValue,
            followUp.updatedAt, followUp.finishedAt,
        ]
        try statement.execute(arguments: StatementArguments(values))
    }

    static func fetch(_ id: String, _ db: Database) throws -> FollowUp? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM follow_ups WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id]).map(decode)
    }

    /// Decodes a row selected with `columns`. A NULL, a wrong type or an unknown enum value is a `StoreError` that
    /// names the column but not the value.
    static func decode(_ row: Row) throws -> FollowUp {
        func value<Value: DatabaseValueConvertible>(_ column: String) throws(StoreError) -> Value {
            do {
                return try row.decode(Value.self, forColumn: column)
            } catch {
                throw StoreError(.io, "the follow-up outbox holds an unreadable follow_ups.\(column) value")
            }
        }
        func enumeration<Value: RawRepresentable>(_ column: String) throws(StoreError) -> Value
        where Value.RawValue == String {
            guard let parsed = Value(rawValue: try value(column)) else {
                throw StoreError(.io, "the follow-up outbox holds an unknown follow_ups.\(column) value")
            }
            return parsed
        }
        let body: Data = try value("body")
        var followUp = FollowUp(
            id: try value("id"),
            kind: try enumeration("kind"),
            destination: try value("destination"),
            body: [UInt8](body),
            conversation: try value("conversation"),
            createdAt: try value("created_at"),
            notAfter: try value("not_after")
        )
        followUp.state = try enumeration("state")
        followUp.attempts = try value("attempts")
        followUp.nextAttemptAt = try value("next_attempt_at")
        followUp.lastStatus = try value("last_status")
        followUp.lastError = try value("last_error")
        let failureCode: String? = try value("failure_code")
        if let failureCode {
            guard let code = FollowUpFailure.Code(rawValue: failureCode) else {
                throw StoreError(.io, "the follow-up outbox holds an unknown follow_ups.failure_code value")
            }
            followUp.failureCode = code
        }
        followUp.updatedAt = try value("updated_at")
        followUp.finishedAt = try value("finished_at")
        return followUp
    }
}
