import Logging
import PostgresNIO

/// A PostgreSQL client for the length of one call (`replayd state migrate`, the schema check before `serve`):
/// its `run()` goes in a task group that ends with the call.
public enum PostgresClientScope {
    /// Runs `body` with a running client for `settings`, then shuts the client down. One connection is made
    /// first (``PostgresConnectionSettings/probe(logger:)``), so that a connection that cannot be made fails at
    /// once, with its reason.
    public static func withClient<T: Sendable>(
        _ settings: PostgresConnectionSettings,
        logger: Logger,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        try await settings.probe(logger: logger)
        var configuration = settings.clientConfiguration()
        configuration.options.maximumConnections = 2
        // The body may lease a connection before the task group has started `run()`; PostgresNIO warns about
        // that, though the lease just waits for the pool. Only the pool's errors are worth showing here.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// Runs `body` with a ``PostgresReplayStore`` for `settings` whose client and group commit
    /// (``PostgresStateService``) run for the body's length (`replayd token`, reading the pauses before `serve`),
    /// after one probing connection, as ``withClient(_:logger:_:)``.
    public static func withStore<T: Sendable>(
        _ settings: PostgresConnectionSettings,
        logger: Logger,
        _ body: (PostgresReplayStore) async throws -> T
    ) async throws -> T {
        try await settings.probe(logger: logger)
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: settings.clientConfiguration(), backgroundLogger: background)
        let store = PostgresReplayStore(client: client, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await PostgresStateService(store: store).run() }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }
}
