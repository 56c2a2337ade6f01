import Testing
import Webhooks

struct SlackRendererTests {
    @Test func ackIsEphemeralAndNamesTheRun() throws {
        let body = SlackRenderer.ack(.replay(runID: "0197a1c2", fromCheckpoint: nil, force: false))
        #expect(RenderedJSON.text(body) == #"{"response_type":"ephemeral","text":"Replaying run `0197a1c2`…"}"#)
        let detailed = try RenderedJSON.object(SlackRenderer.ack(.replay(runID: "r1", fromCheckpoint: 3, force: true)))
        #expect(detailed["text"] as? String == "Replaying run `r1` from checkpoint 3 (forced)…")
    }

    @Test func denialNamesTheIdentityAndTheConfigKey() throws {
        let object = try RenderedJSON.object(SlackRenderer.notMapped(identity: "T0001/U2147483697"))
        #expect(object["response_type"] as? String == "ephemeral")
        #expect(
            object["text"] as? String
                == "You are not mapped to a replayd principal; ask an operator to add `T0001/U2147483697` to `slack_users`."
        )
    }

    @Test func helpListsEveryForm() throws {
        let text = try #require(try RenderedJSON.object(SlackRenderer.help(command: "/replay"))["text"] as? String)
        for form in ["`/replay RUN_ID`", "`/replay RUN_ID from=N`", "`/replay RUN_ID force`", "`/replay status KEY`"] {
            #expect(text.contains(form))
        }
    }

    @Test func successNamesTheNewRunAndItsStatus() throws {
        let summary = ReplayOutcomeSummary(
            runID: "r1",
            newRunID: "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b",
            newRunStatus: "queued",
            state: .succeeded,
            key: "slack:T0001:1334"
        )
        let object = try RenderedJSON.object(SlackRenderer.finalMessage(summary))
        #expect(object["response_type"] as? String == "ephemeral")
        #expect(object["replace_original"] as? Bool == false)
        #expect(
            object["text"] as? String
                == "Run `r1` was replayed as run `0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b` (status: queued)."
        )
    }

    @Test func failureGivesTheErrorInPlainWordsEscapedForSlack() throws {
        let summary = ReplayOutcomeSummary(
            runID: "r1",
            state: .failed,
            errorCode: "not_replayable",
            errorMessage: "run is not replayable <!channel> & more",
            key: "k1"
        )
        let text = try #require(try RenderedJSON.object(SlackRenderer.finalMessage(summary))["text"] as? String)
        #expect(
            text == "Replay of run `r1` failed: run is not replayable &lt;!channel&gt; &amp; more (`not_replayable`)."
        )
    }

    @Test func aReplayHeldByAPauseSaysSoWithTheReason() throws {
        let summary = ReplayOutcomeSummary(
            runID: "r1",
            state: .pending,
            errorCode: "paused",
            errorMessage: "replays are paused (all replays: Strait incident); the replay is accepted and will be sent",
            key: "slack:T1:43"
        )
        let text = try #require(try RenderedJSON.object(SlackRenderer.finalMessage(summary))["text"] as? String)
        #expect(
            text
                == "Replay of run `r1` is accepted and held: replays are paused by an operator (all replays: Strait "
                + "incident); it is sent when they resume. check with `/replay status slack:T1:43` later."
        )
    }

    @Test func pendingAndIndeterminatePointToTheStatusCommand() throws {
        for state in [ReplayOutcomeSummary.State.pending, .indeterminate] {
            let summary = ReplayOutcomeSummary(runID: "r1", state: state, key: "slack:T1:42")
            let text = try #require(try RenderedJSON.object(SlackRenderer.finalMessage(summary))["text"] as? String)
            #expect(text.contains("`/replay status slack:T1:42`"), "state \(state)")
        }
        let lost = ReplayOutcomeSummary(runID: "r1", state: .indeterminate, key: "k")
        let text = try #require(try RenderedJSON.object(SlackRenderer.finalMessage(lost))["text"] as? String)
        #expect(text.contains("may or may not have started"))
    }

    @Test func longErrorsAreClipped() throws {
        let summary = ReplayOutcomeSummary(
            runID: "r1",
            state: .failed,
            errorMessage: String(repeating: "x", count: 5000),
            key: "k"
        )
        let text = try #require(try RenderedJSON.object(SlackRenderer.finalMessage(summary))["text"] as? String)
        #expect(text.count < 600)
        #expect(text.contains("…"))
    }

    @Test func invalidCommandsQuoteTheProblemAndPointToHelp() throws {
        let error = try #require(throws: WebhookPayloadError.self) { try ReplayCommandParser.parse("a/b") }
        let text = try #require(try RenderedJSON.object(SlackRenderer.invalidCommand(error))["text"] as? String)
        #expect(text.hasPrefix("I could not read that command: text: run id \"a/b\" must not contain \"/\""))
        #expect(text.hasSuffix("Try `/replay help`."))
    }

    @Test func challengeEchoesTheChallenge() throws {
        #expect(
            RenderedJSON.text(SlackRenderer.challenge("3eZbrw1aBm2rZgRNFdxV"))
                == #"{"challenge":"3eZbrw1aBm2rZgRNFdxV"}"#
        )
    }

    @Test func runIDsWithBackticksAreNotWrappedInCode() throws {
        let object = try RenderedJSON.object(
            SlackRenderer.ack(.replay(runID: "a`b", fromCheckpoint: nil, force: false))
        )
        #expect(object["text"] as? String == "Replaying run a`b…")
    }
}
