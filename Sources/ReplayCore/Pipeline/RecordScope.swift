/// Whose replay records a principal may read.
public enum RecordScope: String, Sendable, Hashable {
    /// None (no `read` grant).
    case none
    /// Its own (`read`).
    case own
    /// Everyone's (`read_all`).
    case everyone
}
