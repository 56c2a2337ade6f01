/// One key's GCRA state: its TAT, and the emission interval of the limit it was last charged under, so that a
/// reload that changes the limit can carry what the key owes over to the new one.
struct GCRAEntry: Sendable, Hashable {
    var tat: Int64
    var interval: Int64
}
