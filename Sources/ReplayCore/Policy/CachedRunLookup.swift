import Strait
import Synchronization

/// Reads a run's project and job from Strait (`GET /v1/runs/{id}`) and remembers them for a TTL on the replay
/// clock, for at most `capacity` runs (the entries closest to expiry go first when it is full).
public final class CachedRunLookup: RunLookup {
    private struct Entry {
        var facts: RunFacts
        var expiresAt: Duration
    }

    private let upstream: any ReplayUpstream
    private let clock: any ReplayClock
    private let ttl: Duration
    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    /// Creates a lookup.
    public init(upstream: any ReplayUpstream, clock: any ReplayClock, ttl: Duration, capacity: Int = 10_000) {
        self.upstream = upstream
        self.clock = clock
        self.ttl = ttl
        self.capacity = max(1, capacity)
    }

    /// How many runs are remembered now.
    public var count: Int { entries.withLock { $0.count } }

    public func facts(of runID: RunID, requestID: String) async throws(ReplayError) -> RunLookupResult {
        let now = clock.monotonicNow()
        if let entry = entries.withLock({ $0[runID.rawValue] }), entry.expiresAt > now {
            return RunLookupResult(facts: entry.facts, cached: true)
        }
        let run: JobRun
        do {
            run = try await upstream.getRun(runID, requestID: "\(requestID)-lookup").value
        } catch {
            throw Self.error(error, runID: runID)
        }
        let facts = RunFacts(projectID: run.projectID, jobID: run.jobID)
        guard ttl > .zero else { return RunLookupResult(facts: facts, cached: false) }
        let expiresAt = clock.monotonicNow() + ttl
        let capacity = self.capacity
        entries.withLock { entries in
            if entries[runID.rawValue] == nil && entries.count >= capacity {
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= capacity, let first = entries.min(by: { $0.value.expiresAt < $1.value.expiresAt }) {
                    entries[first.key] = nil
                }
            }
            entries[runID.rawValue] = Entry(facts: facts, expiresAt: expiresAt)
        }
        return RunLookupResult(facts: facts, cached: false)
    }

    private static func error(_ error: StraitClientError, runID: RunID) -> ReplayError {
        switch error {
        case .api(let api) where api.status == 404:
            return ReplayError(.recordNotFound, "run \(runID) was not found upstream; nothing was replayed")
        case .invalidInput(let input):
            return ReplayError(.badRequest, input.message)
        default:
            return ReplayError(
                .upstreamUnreachable,
                "could not read run \(runID)'s project from Strait to check grants (\(error)); nothing was replayed"
            )
        }
    }
}
