import Synchronization

/// The pauses in force, in memory, mirroring the ``PauseStore``: the engine asks it before every upstream send
/// and every claim. Changes go to the store first, then here, so what is in memory is never ahead of what
/// survives a restart. A resume rings ``resumed`` so the worker releases held replays at once.
public final class ReplayPauseGate: Sendable {
    private let entries = Mutex<[String: PauseEntry]>([:])
    let store: (any PauseStore)?
    /// Rung on every resume; the replay worker waits on it between sweeps.
    let resumed = FollowUpWakeSignal()

    /// Creates a gate with nothing paused; `store` keeps pauses durably (`nil`: in memory only, for tests).
    public init(store: (any PauseStore)? = nil) {
        self.store = store
    }

    /// Loads the pauses stored before a restart.
    public func load() async throws(StoreError) {
        guard let store else { return }
        restore(try await store.pauses())
    }

    /// Applies pauses read from the store by the caller (the daemon reads a PostgreSQL store's before its
    /// services run), replacing what is in memory.
    public func restore(_ stored: [PauseEntry]) {
        entries.withLock { entries in
            entries = Dictionary(stored.map { ($0.scope.storageKey, $0) }, uniquingKeysWith: { $1 })
        }
    }

    /// The pause that holds a replay of `source` (`nil` source: the socket), or `nil` when it may be sent.
    public func holding(source: String?) -> PauseEntry? {
        entries.withLock { entries in
            entries[PauseScope.all.storageKey] ?? entries[source ?? "socket"]
        }
    }

    /// The pauses in force, `all` first, then by source name.
    public var current: [PauseEntry] {
        entries.withLock { entries in
            entries.values.sorted { lhs, rhs in
                if lhs.scope == .all { return rhs.scope != .all }
                if rhs.scope == .all { return false }
                return lhs.scope.storageKey < rhs.scope.storageKey
            }
        }
    }

    /// Whether anything is paused.
    public var isPaused: Bool { entries.withLock { !$0.isEmpty } }

    /// Stores and applies `entry`.
    func pause(_ entry: PauseEntry) async throws(StoreError) {
        try await store?.savePause(entry)
        entries.withLock { $0[entry.scope.storageKey] = entry }
    }

    /// Removes the pause of `scope` (`nil`: every pause) from the store and here, and rings ``resumed``; returns
    /// the pauses removed.
    func resume(_ scope: PauseScope?) async throws(StoreError) -> [PauseEntry] {
        try await store?.removePauses(scope)
        let removed = entries.withLock { entries -> [PauseEntry] in
            guard let scope else {
                defer { entries = [:] }
                return Array(entries.values)
            }
            return entries.removeValue(forKey: scope.storageKey).map { [$0] } ?? []
        }
        resumed.signal()
        return removed
    }
}
