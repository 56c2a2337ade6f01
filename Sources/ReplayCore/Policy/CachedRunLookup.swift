import Strait
import Synchronization

/// Reads a run's project and job from Strait (`GET /v1/runs/{id}`) and remembers them for a TTL on the replay
/// clock, for at most `capacity` runs (the entries closest to expiry go first when it is full).
///
/// A reload that changes `[auth]` calls ``apply(ttl:capacity:)``: the cache starts empty under the new settings
/// (a run's facts never change, so the only cost is one more read of Strait per run).
public final class CachedRunLookup: RunLookup {
    private struct Entry {
        var facts: RunFacts
        var expiresAt: Duration
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var ttl: Duration
        var capacity: Int
    }

    private let upstream: any ReplayUpstream
    private let clock: any ReplayClock
    private let state: Mutex<State>

    /// Creates a lookup.
    public init(upstream: any ReplayUpstream, clock: any ReplayClock, ttl: Duration, capacity: Int = 10_000) {
        self.upstream = upstream
        self.clock = clock
        self.state = Mutex(State(ttl: ttl, capacity: max(1, capacity)))
    }

    /// How many runs are remembered now.
    public var count: Int { state.withLock { $0.entries.count } }

    /// The TTL and capacity in force.
    public var settings: (ttl: Duration, capacity: Int) { state.withLock { ($0.ttl, $0.capacity) } }

    /// Puts a new TTL and capacity in force (a reload). When either changed, the cache is emptied, so no entry
    /// outlives the new TTL or the new capacity.
    public func apply(ttl: Duration, capacity: Int) {
        state.withLock { state in
            let capacity = max(1, capacity)
            guard state.ttl != ttl || state.capacity != capacity else { return }
            state = State(ttl: ttl, capacity: capacity)
        }
    }

    public func facts(of runID: RunID, requestID: String) async throws(ReplayError) -> RunLookupResult {
        let now = clock.monotonicNow()
        let (cachedEntry, ttl) = state.withLock { ($0.entries[runID.rawValue], $0.ttl) }
        if let entry = cachedEntry, entry.expiresAt > now {
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
        state.withLock { state in
            // A reload while Strait was asked: the entry belongs to the old settings, so it is not kept.
            guard state.ttl == ttl else { return }
            let capacity = state.capacity
            if state.entries[runID.rawValue] == nil && state.entries.count >= capacity {
                state.entries = state.entries.filter { $0.value.expiresAt > now }
                if state.entries.count >= capacity,
                    let first = state.entries.min(by: { $0.value.expiresAt < $1.value.expiresAt })
                {
                    state.entries[first.key] = nil
                }
            }
            state.entries[runID.rawValue] = Entry(facts: facts, expiresAt: expiresAt)
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
