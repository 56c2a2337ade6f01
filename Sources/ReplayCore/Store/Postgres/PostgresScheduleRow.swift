/// What one row of `upstream_schedule` holds, as JSON: the fleet's pacing schedule for one API key, and how many
/// callers each instance had waiting when it last wrote the row.
struct PostgresScheduleRow: Codable, Sendable {
    /// One instance's count of waiting callers.
    struct Report: Codable, Sendable, Hashable {
        /// Callers waiting for their turn.
        var count: Int
        /// When it was written, in microseconds on the budget's time base.
        var at: Int64
    }

    /// The schedule every instance decides on.
    var schedule = PacingSchedule(configuration: UpstreamPacer.Configuration())
    /// Waiting callers by reporting process; an instance with none has no entry.
    var waiting: [String: Report] = [:]
}
