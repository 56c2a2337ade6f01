import Logging
import PostgresNIO
import PostgresTestSupport
import Testing

@testable import ReplayCore

/// `[state] sslmode` and `ca_file` against a real server with TLS (``PostgresTestCluster/tls``: 127.0.0.1, a
/// certificate for `localhost` only, signed by a throwaway CA), through the settings replayd parses from its URL
/// and the client configuration it builds from them.
@Suite struct PostgresTLSTests {
    static let logger = StoreTesting.logger

    /// The settings for a new database on the TLS cluster, reached at `host`, as `[state]` would give them.
    private static func settings(
        host: String? = nil,
        sslMode: PostgresSSLMode,
        caFile: (PostgresTestCluster.TLS) -> String? = { _ in nil }
    ) async throws -> PostgresConnectionSettings {
        let database = try await PostgresTestCluster.tls.newDatabase()
        let tls = try #require(database.cluster.tls)
        let url = "postgres://\(database.cluster.superuser)@\(host ?? tls.serverName):\(tls.port)/\(database.name)"
        return try PostgresConnectionSettings.parse(url: Secret(url), sslMode: sslMode, caFile: caFile(tls))
    }

    /// Whether the session `settings` open runs over TLS (`pg_stat_ssl`), or the error that kept it from opening.
    /// A connection that cannot be made is not retried for ever: the answer comes within a hang guard of minutes.
    private static func session(_ settings: PostgresConnectionSettings) async throws -> Result<Bool, any Error> {
        var configuration = settings.clientConfiguration()
        configuration.options.connectTimeout = .seconds(10)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Result<Bool, any Error>?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            group.addTask {
                do {
                    let rows = try await client.query(
                        "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                        logger: logger
                    )
                    var ssl: Bool?
                    for try await value in rows.decode(Bool.self) { ssl = value }
                    return .success(ssl ?? false)
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(180))
                return .failure(StoreError(.unavailable, "no answer within the hang guard"))
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let next { return next }
            }
            return .failure(StoreError(.unavailable, "the client ended"))
        }
    }

    @Test func verifyFullWithTheServersCAConnectsOverTLS() async throws {
        let settings = try await Self.settings(sslMode: .verifyFull, caFile: \.caFile)
        #expect(try await Self.session(settings).get() == true)
    }

    @Test func requireEncryptsWithoutACA() async throws {
        let settings = try await Self.settings(sslMode: .require)
        #expect(try await Self.session(settings).get() == true)
    }

    @Test func disableConnectsInTheClear() async throws {
        let settings = try await Self.settings(sslMode: .disable)
        #expect(try await Self.session(settings).get() == false)
    }

    @Test func verifyFullRefusesACertificateFromAnotherCA() async throws {
        let settings = try await Self.settings(sslMode: .verifyFull, caFile: \.otherCAFile)
        let result = try await Self.session(settings)
        #expect(throws: (any Error).self) { try result.get() }
    }

    /// The certificate is for `localhost`: reached as 127.0.0.1, `verify-full` refuses it (the name is not in it)
    /// while `verify-ca` takes it (signed by the CA, whatever the name).
    @Test func verifyFullChecksTheNameAndVerifyCADoesNot() async throws {
        let full = try await Self.settings(host: "127.0.0.1", sslMode: .verifyFull, caFile: \.caFile)
        let refused = try await Self.session(full)
        #expect(throws: (any Error).self) { try refused.get() }

        let ca = try await Self.settings(host: "127.0.0.1", sslMode: .verifyCA, caFile: \.caFile)
        #expect(try await Self.session(ca).get() == true)
    }

    /// How replayd reports a refused certificate (`serve`, `state migrate`, `doctor` probe one connection
    /// first): at once, with the TLS reason, and without the URL.
    @Test func aRefusedCertificateIsReportedAtOnceWithItsReason() async throws {
        let settings = try await Self.settings(sslMode: .verifyFull, caFile: \.otherCAFile)
        let error = await #expect(throws: StoreError.self) { try await settings.probe(logger: Self.logger) }
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("certificate is not signed by a CA") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("ca_file") == true)
        #expect(error?.message.contains("postgres://") == false)

        let named = try await Self.settings(host: "127.0.0.1", sslMode: .verifyFull, caFile: \.caFile)
        let mismatch = await #expect(throws: StoreError.self) { try await named.probe(logger: Self.logger) }
        #expect(mismatch?.message.contains("not for the host in the URL") == true, "\(mismatch?.message ?? "")")

        let good = try await Self.settings(sslMode: .verifyFull, caFile: \.caFile)
        try await good.probe(logger: Self.logger)
    }
}
