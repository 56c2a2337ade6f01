/// The table-format summary of a replay that ended with a run.
public enum ReplaySummary {
    /// `Replayed run A as run B`, then the run's status, job and project, and the key with what replayd said
    /// about it: `(already replayed)` for a key already done, `(coalesced with another replay)` for a replay that
    /// joined another.
    public static func text(originalID: String, created: CreatedReplay) -> String {
        var lines = ["Replayed run \(originalID) as run \(created.newRunID ?? "?")"]
        if let run = created.run {
            lines.append("  status   \(run.status)")
            lines.append("  job      \(run.jobID)")
            lines.append("  project  \(run.projectID)")
            if run.debugMode { lines.append("  debug    true (replayed from a checkpoint)") }
        }
        var notes: [String] = []
        if created.replayed { notes.append("(already replayed)") }
        if created.coalesced { notes.append("(coalesced with another replay)") }
        if let key = created.key {
            lines.append((["  key      \(key)"] + notes).joined(separator: " "))
        } else if !notes.isEmpty {
            lines.append("  note     " + notes.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
