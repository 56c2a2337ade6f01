import PostgresTestSupport

@testable import ReplayCore

extension PostgresTestCluster {
    /// The store's connection settings for a new, empty database on the test cluster (started on first use).
    /// Throws the harness's failure, the same for every test, when the cluster cannot be started.
    func freshDatabase() async throws -> PostgresConnectionSettings {
        let database = try await newDatabase()
        return PostgresConnectionSettings(
            address: .unixSocket(directory: database.cluster.socketDirectory, port: database.cluster.port),
            username: database.cluster.superuser,
            database: database.name,
            sslMode: .disable
        )
    }
}
