/// The version replayd reports.
enum ReplaydVersion {
    static let current = "0.1.0"
}
