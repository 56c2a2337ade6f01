/// The version replayctl reports.
enum ReplayctlVersion {
    static let current = "0.1.0"
}
