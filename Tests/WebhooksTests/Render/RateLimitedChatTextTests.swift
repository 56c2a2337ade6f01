import Testing
import Webhooks

/// A replay refused by replayd's rate limits reads as a wait in chat, not as a failure of the run.
struct RateLimitedChatTextTests {
    private let summary = ReplayOutcomeSummary(
        runID: "r1",
        state: .failed,
        errorCode: "rate_limited",
        errorMessage: "too many replays (principal: 30 per 1m, burst 5); try again in 12 s",
        key: "slack:T0001:1334"
    )

    @Test func slackSaysToWaitAndThatNothingWasSent() throws {
        let text = try #require(try RenderedJSON.object(SlackRenderer.finalMessage(summary))["text"] as? String)
        #expect(
            text
                == "Run `r1` was not replayed, you are being rate limited: too many replays (principal: 30 per 1m, "
                + "burst 5); try again in 12 s. Nothing was sent to Strait."
        )
    }

    @Test func discordSaysTheSame() throws {
        let content = try #require(try RenderedJSON.object(DiscordRenderer.followUp(summary))["content"] as? String)
        #expect(content.hasPrefix("Run `r1` was not replayed, you are being rate limited: "))
        #expect(content.contains("try again in 12 s"))
    }
}
