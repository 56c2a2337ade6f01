import Testing
import Webhooks

struct DiscordRendererTests {
    @Test func pongAndDeferredAreExactlyWhatDiscordExpects() {
        #expect(RenderedJSON.text(DiscordRenderer.pong()) == #"{"type":1}"#)
        #expect(RenderedJSON.text(DiscordRenderer.deferredEphemeral()) == #"{"data":{"flags":64},"type":5}"#)
    }

    @Test func immediateMessagesAreEphemeralType4WithoutMentions() throws {
        let object = try RenderedJSON.object(
            DiscordRenderer.notMapped(identity: "290926798626357999/53908232506183680")
        )
        #expect(object["type"] as? Int == 4)
        let data = try #require(object["data"] as? [String: Any])
        #expect(data["flags"] as? Int == 64)
        #expect((data["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
        #expect(
            data["content"] as? String
                == "You are not mapped to a replayd principal; ask an operator to add "
                + "`290926798626357999/53908232506183680` to `discord_users`."
        )
        let help = try RenderedJSON.object(DiscordRenderer.help())
        #expect(((help["data"] as? [String: Any])?["content"] as? String)?.contains("`/replay status KEY`") == true)
    }

    @Test func followUpCarriesTheOutcome() throws {
        let summary = ReplayOutcomeSummary(
            runID: "r1",
            newRunID: "r2",
            newRunStatus: "queued",
            state: .succeeded,
            key: "discord:786008729715212338"
        )
        let object = try RenderedJSON.object(DiscordRenderer.followUp(summary))
        #expect(object["content"] as? String == "Run `r1` was replayed as run `r2` (status: queued).")
        #expect(object["flags"] as? Int == 64)
        #expect(object["type"] == nil)
    }

    @Test func freeTextIsMarkdownEscapedAndCannotPing() throws {
        let summary = ReplayOutcomeSummary(
            runID: "r1",
            state: .failed,
            errorCode: "bad_request",
            errorMessage: "**job** is_disabled @everyone",
            key: "k"
        )
        let object = try RenderedJSON.object(DiscordRenderer.followUp(summary))
        #expect(
            object["content"] as? String
                == #"Replay of run `r1` failed: \*\*job\*\* is\_disabled @everyone (`bad_request`)."#
        )
        #expect((object["allowed_mentions"] as? [String: Any])?["parse"] as? [String] == [])
    }

    @Test func contentIsCutToDiscordsLimit() throws {
        let object = try RenderedJSON.object(DiscordRenderer.ephemeralMessage(String(repeating: "y", count: 2500)))
        let content = try #require((object["data"] as? [String: Any])?["content"] as? String)
        #expect(content.count == DiscordRenderer.maxContentCharacters)
        #expect(content.hasSuffix("…"))
    }
}
