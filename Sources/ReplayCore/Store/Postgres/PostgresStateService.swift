import Logging
import PostgresNIO
import ServiceLifecycle

/// Runs the PostgreSQL state: the connection pool (``PostgresClient/run()``) and the store's group commit, in one
/// task group, until graceful shutdown (or cancellation). The daemon lists it first among its services, so that it
/// stops last, after everything that writes to the store.
public struct PostgresStateService: Service {
    let client: PostgresClient
    let commits: PostgresGroupCommit

    /// The service that runs `store`'s client and group commit.
    public init(store: PostgresReplayStore) {
        client = store.client
        commits = store.commits
    }

    /// Runs until graceful shutdown; writes still queued then fail with `unavailable`.
    public func run() async throws {
        let client = client
        let commits = commits
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            group.addTask { await cancelWhenGracefulShutdown { await commits.run(client: client) } }
            // Whichever stops first (shutdown, or the pool failing), the other goes with it.
            await group.next()
            group.cancelAll()
        }
    }
}
