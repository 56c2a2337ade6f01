/// Go's `time.Duration.String()` for whole seconds (`59s`, `1m0s`, `4m59s`, `1h0m0s`), which Strait puts in
/// the lockout message.
enum GoDuration {
    /// Formats `seconds` (clamped at zero) the way Go formats a whole-second duration.
    static func format(seconds: Int64) -> String {
        let total = max(0, seconds)
        if total == 0 { return "0s" }
        let hours = total / 3600
        let minutes = total / 60 % 60
        let secs = total % 60
        if hours > 0 { return "\(hours)h\(minutes)m\(secs)s" }
        if minutes > 0 { return "\(minutes)m\(secs)s" }
        return "\(secs)s"
    }
}
