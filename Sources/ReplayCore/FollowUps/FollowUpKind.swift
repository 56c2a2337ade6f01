/// Where a follow-up goes, which decides its lifetime and its post budget.
public enum FollowUpKind: String, Sendable, Hashable, CaseIterable {
    /// A POST to a Slack slash command's `response_url`: at most 5 posts per URL, within 30 minutes of the command.
    case slackResponseURL = "slack_response_url"
    /// A POST to Discord's `/webhooks/{application id}/{interaction token}`: the token works for 15 minutes after
    /// the interaction; Discord sets no count limit beyond its rate limits.
    case discordFollowUp = "discord_followup"

    /// How long after the command or interaction the platform accepts posts.
    public var lifetime: Duration {
        switch self {
        case .slackResponseURL: .seconds(30 * 60)
        case .discordFollowUp: .seconds(15 * 60)
        }
    }

    /// The most follow-ups one conversation may hold, or `nil` for no limit. Slack: 5 per `response_url`.
    public var postBudget: Int? {
        switch self {
        case .slackResponseURL: 5
        case .discordFollowUp: nil
        }
    }

    /// `receivedAt` (Unix milliseconds) plus ``lifetime``: the `notAfter` of a follow-up to this command.
    public func notAfter(receivedAt: Int64) -> Int64 {
        let (seconds, attoseconds) = lifetime.components
        let (sum, overflow) = receivedAt.addingReportingOverflow(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return overflow ? .max : sum
    }
}
