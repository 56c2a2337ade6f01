/// `[state] backend`: which engine holds the replay state.
public enum StateBackend: String, Sendable, Hashable, CaseIterable {
    /// One SQLite file per instance, `<state dir>/replayd.sqlite`: zero setup (the default).
    case sqlite
    /// A PostgreSQL database, shared by every instance that points at it.
    case postgres
}
