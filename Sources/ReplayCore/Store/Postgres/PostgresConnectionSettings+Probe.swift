import Logging
import NIOCore
import PostgresNIO

extension PostgresConnectionSettings {
    /// Opens one connection with these settings, runs `SELECT 1` and closes it: the first thing `serve`,
    /// `state migrate`, `token` and `doctor` do. A pooled client retries a connection that cannot be made, and
    /// reports only that its retries tripped; this reports why, at once (a refused certificate, a name that is
    /// not in it, a server without TLS, refused credentials).
    ///
    /// - Throws: a ``StoreError`` (`unavailable`) that never quotes the URL or the password.
    public func probe(logger: Logger) async throws(StoreError) {
        let password = self.password?.withUnsafeValue { $0 }
        var configuration: PostgresConnection.Configuration
        switch address {
        case .unixSocket(let directory, let port):
            configuration = PostgresConnection.Configuration(
                unixSocketPath: "\(directory)/.s.PGSQL.\(port)",
                username: username,
                password: password,
                database: database
            )
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS =
                switch tlsPlan() {
                case nil: .disable
                case (let tls, false)?: .prefer(try Self.context(tls))
                case (let tls, true)?: .require(try Self.context(tls))
                }
            configuration = PostgresConnection.Configuration(
                host: host,
                port: port,
                username: username,
                password: password,
                database: database,
                tls: tls
            )
        }
        let (seconds, attoseconds) = connectTimeout.components
        configuration.options.connectTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            do {
                try await connection.query("SELECT 1", logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        } catch {
            throw PostgresReplayStore.storeError(error, "connecting to the PostgreSQL state", code: .unavailable)
        }
    }

    private static func context(_ tls: TLSConfiguration) throws(StoreError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw StoreError(.unavailable, "the TLS settings for the PostgreSQL state could not be used: \(error)")
        }
    }
}
