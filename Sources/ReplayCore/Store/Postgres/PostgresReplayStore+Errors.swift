import PostgresNIO

extension PostgresReplayStore {
    /// SQLSTATE `unique_violation`.
    static let uniqueViolation = "23505"

    /// The SQLSTATE of a server error, or `nil`.
    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// A deadlock (`40P01`) or serialization failure (`40001`): PostgreSQL aborted this transaction in favour of
    /// another's, and running it again may succeed.
    static func isConflict(_ error: any Error) -> Bool {
        guard let state = sqlState(error) else { return false }
        return state == "40P01" || state == "40001"
    }

    /// Maps anything PostgresNIO or a transaction body throws to a `StoreError`.
    ///
    /// A `StoreError` passes through unchanged. Anything else gets `code` and a message naming the operation and
    /// the cause: the SQLSTATE and the server's primary message (which names constraints and tables, never the
    /// values bound to a statement), or the client's error code (a refused or closed connection). The server's
    /// `DETAIL`, which can quote stored values, and the connection settings (the password) never appear.
    static func storeError(_ error: any Error, _ operation: String, code: StoreError.Code = .io) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as PSQLError:
            return StoreError(code, "\(operation) failed: \(describe(error))")
        case is CancellationError:
            return StoreError(code, "\(operation) was cancelled before it ran")
        case is PostgresDecodingError:
            return StoreError(code, "\(operation) failed: a stored row could not be decoded")
        default:
            return StoreError(code, "\(operation) failed: \(type(of: error))")
        }
    }

    /// A sentence for a TLS handshake that failed, naming the setting to look at; `nil` when `error` is not TLS's.
    static func tlsFailure(_ error: any Error) -> String? {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "TLS: the database server's certificate is not signed by a CA that [state] ca_file (or, without "
                + "it, the system) trusts"
        }
        if text.contains("failedToValidateHostname") {
            return "TLS: the database server's certificate is not for the host in the URL (sslmode verify-full "
                + "checks the name: connect by a name the certificate has, or use verify-ca)"
        }
        guard String(reflecting: type(of: error)).hasPrefix("NIOSSL") else { return nil }
        return "TLS: the handshake with the database server failed (\(text))"
    }

    /// A sentence for a PostgreSQL failure, leading with what an operator can act on.
    static func describe(_ error: PSQLError) -> String {
        if let state = error.serverInfo?[.sqlState] {
            let message = error.serverInfo?[.message].map { ": \($0)" } ?? ""
            let cause: String
            switch state {
            case "53100": cause = "the database server's disk is full"
            case "28P01", "28000": cause = "the database server refused the credentials"
            case "3D000": cause = "the database does not exist"
            case "42P01": cause = "a table is missing (run `replayd state migrate`)"
            case "42501": cause = "permission denied"
            case "57P01", "57P02", "57P03": cause = "the database server is shutting down or starting up"
            case uniqueViolation: cause = "a constraint failed"
            default: cause = "a PostgreSQL error"
            }
            return "\(cause) (SQLSTATE \(state)\(message))"
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            if let underlying = error.underlying, let tls = tlsFailure(underlying) { return tls }
            let cause = error.underlying.map { ": \(String(describing: $0))" } ?? ""
            return "the database server could not be reached or closed the connection (\(error.code)\(cause))"
        case .sslUnsupported:
            return "the database server does not offer TLS, which sslmode requires"
        case .failedToAddSSLHandler:
            return "TLS could not be set up for the database connection"
        case .poolClosed, .clientClosedConnection:
            return "the PostgreSQL state store has stopped"
        default:
            return "a PostgreSQL client error (\(error.code))"
        }
    }
}
