import Foundation
import GRDB
import Testing

@testable import ReplayCore

private typealias T = FollowUpTesting

/// The outbox on a real SQLite file: idempotent enqueue, budgets, order, marks, pruning, durability.
@Suite struct FollowUpOutboxTests {
    @Test func enqueueStoresAPendingFollowUpOnceUnderItsID() async throws {
        try await T.withOutbox { outbox, _ in
            let first = T.slack("slack:Tr1:1", body: #"{"text":"first"}"#)
            #expect(try await outbox.enqueue(first) == .enqueued(first))
            // A duplicate delivery enqueues the same id again (even with another body): nothing changes.
            let again = T.slack("slack:Tr1:1", body: #"{"text":"second"}"#)
            #expect(try await outbox.enqueue(again) == .duplicate(first))
            let stored = try #require(try await outbox.followUp("slack:Tr1:1"))
            #expect(stored == first)
            #expect(stored.state == .pending)
            #expect(stored.attempts == 0)
            #expect(stored.nextAttemptAt == T.t0)
            #expect(String(decoding: stored.body, as: UTF8.self) == #"{"text":"first"}"#)
            #expect(try await outbox.pendingCount() == 1)
            #expect(try await outbox.followUp("slack:Tr1:2") == nil)
        }
    }

    @Test func aSixthSlackFollowUpForOneResponseURLIsRefused() async throws {
        try await T.withOutbox { outbox, _ in
            for n in 1...5 {
                try await outbox.enqueue(T.slack("slack:Tr1:\(n)", conversation: "slack:url-a"))
            }
            let sixth = T.slack("slack:Tr1:6", conversation: "slack:url-a")
            let error = await #expect(throws: FollowUpError.self) { try await outbox.enqueue(sixth) }
            #expect(error?.code == .budgetExhausted)
            #expect(error?.message.contains("at most 5") == true)
            #expect(error?.message.contains("hooks.slack.com") == false)
            #expect(try await outbox.followUp("slack:Tr1:6") == nil)
            // A repeat of one of the five is still a duplicate, not a refusal; delivered ones still count.
            let third = T.slack("slack:Tr1:3", conversation: "slack:url-a")
            #expect(try await outbox.enqueue(third) == .duplicate(third))
            try await outbox.markDelivered("slack:Tr1:1", status: 200, at: T.t0 + 1)
            await #expect(throws: FollowUpError.self) { try await outbox.enqueue(sixth) }
            // Another response_url has its own budget, and Discord has none.
            #expect(
                try await outbox.enqueue(T.slack("slack:Tr2:1", conversation: "slack:url-b")).followUp.id
                    == "slack:Tr2:1"
            )
            for n in 1...7 {
                let discord = FollowUp.discordFollowUp(
                    id: "discord:i1:\(n)",
                    applicationID: "app1",
                    interactionToken: "interaction-token-1",
                    body: Array(#"{"content":"done","flags":64}"#.utf8),
                    receivedAt: T.t0,
                    now: T.t0
                )
                guard case .enqueued = try await outbox.enqueue(discord) else {
                    Issue.record("discord follow-up \(n) was not enqueued")
                    return
                }
            }
            #expect(try await outbox.pendingCount() == 5 - 1 + 1 + 7)
        }
    }

    @Test func malformedFollowUpsAreRefusedWithoutEchoingTheDestination() async throws {
        try await T.withOutbox { outbox, _ in
            let secretPath = "ftp://hooks.example/secret-token-value-123"
            let cases: [FollowUp] = [
                T.slack(""),
                T.slack(String(repeating: "x", count: 513)),
                T.slack("a", destination: secretPath),
                T.slack("b", destination: "https:///no-host/secret-token-value-123"),
                T.slack("c", destination: "https://hooks.example/secret token value"),
                T.slack("d", conversation: ""),
                T.slack("e", createdAt: T.t0, notAfter: T.t0),
            ]
            for followUp in cases {
                let error = await #expect(throws: FollowUpError.self) { try await outbox.enqueue(followUp) }
                #expect(error?.code == .invalidFollowUp)
                #expect(error?.message.contains("secret") == false)
            }
            let pending = try await outbox.pendingCount()
            #expect(pending == 0)
        }
    }

    @Test func dueReturnsTheOldestPendingFollowUpOfEachConversationEarliestFirst() async throws {
        try await T.withOutbox { outbox, _ in
            try await outbox.enqueue(T.slack("a1", conversation: "a", createdAt: T.t0 + 30))
            try await outbox.enqueue(T.slack("b1", conversation: "b", createdAt: T.t0 + 10))
            try await outbox.enqueue(T.slack("a2", conversation: "a", createdAt: T.t0))
            try await outbox.enqueue(T.slack("c1", conversation: "c", createdAt: T.t0 + 20))
            try await outbox.enqueue(T.slack("d1", conversation: "d", createdAt: T.t0 + 1000))

            #expect(try await outbox.due(now: T.t0 + 999, limit: 10).map(\.id) == ["b1", "c1", "a1"])
            #expect(try await outbox.due(now: T.t0 + 999, limit: 2).map(\.id) == ["b1", "c1"])
            #expect(try await outbox.due(now: T.t0 + 9, limit: 10).isEmpty)
            #expect(try await outbox.due(now: T.t0 + 999, limit: 0).isEmpty)
            // a2 was enqueued after a1 (though created earlier): it waits for a1 in every query.
            #expect(try await outbox.nextAttemptAt() == T.t0 + 10)

            try await outbox.markRetry("a1", nextAt: T.t0 + 5000, error: "HTTP 503", status: 503, at: T.t0 + 40)
            #expect(try await outbox.due(now: T.t0 + 999, limit: 10).map(\.id) == ["b1", "c1"])
            try await outbox.markDelivered("b1", status: 200, at: T.t0 + 50)
            try await outbox.markFailed("c1", error: FollowUpFailure(.rejected, "HTTP 404"), status: 404, at: T.t0 + 60)
            #expect(try await outbox.nextAttemptAt() == T.t0 + 1000)
            #expect(try await outbox.due(now: T.t0 + 5000, limit: 10).map(\.id) == ["d1", "a1"])
            try await outbox.markDelivered("a1", status: 200, at: T.t0 + 5000)
            #expect(try await outbox.due(now: T.t0 + 5000, limit: 10).map(\.id) == ["a2", "d1"])
            #expect(try await outbox.pendingCount() == 2)
        }
    }

    @Test func marksRecordAttemptsAndOnlyApplyToPendingFollowUps() async throws {
        try await T.withOutbox { outbox, _ in
            try await outbox.enqueue(T.slack("r"))
            let retried = try await outbox.markRetry("r", nextAt: T.t0 + 500, error: "HTTP 503", status: 503, at: T.t0)
            #expect(retried.attempts == 1)
            #expect(retried.nextAttemptAt == T.t0 + 500)
            #expect(retried.lastStatus == 503)
            #expect(retried.lastError == "HTTP 503")
            #expect(retried.state == .pending)
            let delivered = try await outbox.markDelivered("r", status: 200, at: T.t0 + 600)
            #expect(delivered.state == .delivered)
            #expect(delivered.attempts == 2)
            #expect(delivered.lastStatus == 200)
            #expect(delivered.lastError == nil)
            #expect(delivered.finishedAt == T.t0 + 600)
            #expect(delivered.updatedAt == T.t0 + 600)
            // A final follow-up is never changed again.
            let error = await #expect(throws: StoreError.self) {
                try await outbox.markFailed("r", error: FollowUpFailure(.expired, "late"), at: T.t0 + 700)
            }
            #expect(error?.code == .notFound)
            await #expect(throws: StoreError.self) { try await outbox.markDelivered("missing", status: 200, at: 1) }

            try await outbox.enqueue(T.slack("x", conversation: "other"))
            let expired = try await outbox.markFailed(
                "x",
                error: FollowUpFailure(.expired, "the deadline passed"),
                attempted: false,
                at: T.t0 + 800
            )
            #expect(expired.state == .failed)
            #expect(expired.attempts == 0)
            #expect(expired.failureCode == .expired)
            #expect(expired.lastError == "the deadline passed")
            #expect(expired.finishedAt == T.t0 + 800)
            #expect(try await outbox.pendingCount() == 0)
        }
    }

    @Test func pruneDeletesFinishedFollowUpsOnlyOnceTheyCanNoLongerBePosted() async throws {
        try await T.withOutbox { outbox, _ in
            let hour = 60 * T.minute
            try await outbox.enqueue(T.slack("old-delivered", conversation: "a", createdAt: T.t0 - 3 * hour))
            try await outbox.markDelivered("old-delivered", status: 200, at: T.t0 - 3 * hour)
            try await outbox.enqueue(T.slack("old-failed", conversation: "b", createdAt: T.t0 - 3 * hour))
            try await outbox.markFailed(
                "old-failed",
                error: FollowUpFailure(.rejected, "HTTP 404"),
                at: T.t0 - 3 * hour
            )
            // Finished before the cutoff, but Slack would still take a post to its URL: it keeps the budget.
            try await outbox.enqueue(T.slack("recent", conversation: "c", createdAt: T.t0 - hour - 1))
            try await outbox.markDelivered("recent", status: 200, at: T.t0 - hour - 1)
            try await outbox.enqueue(T.slack("pending", conversation: "d", createdAt: T.t0 - 3 * hour))

            #expect(try await outbox.prune(finishedBefore: T.t0 - hour) == 2)
            #expect(try await outbox.followUp("old-delivered") == nil)
            #expect(try await outbox.followUp("old-failed") == nil)
            #expect(try await outbox.followUp("recent")?.state == .delivered)
            #expect(try await outbox.followUp("pending")?.state == .pending)
            #expect(try await outbox.prune(finishedBefore: T.t0) == 1)
            #expect(try await outbox.prune(finishedBefore: T.t0 + 24 * hour) == 0)
            #expect(try await outbox.followUp("pending")?.state == .pending)
        }
    }

    @Test func followUpsSurviveClosingAndReopeningTheFile() async throws {
        try await T.withDirectory { directory in
            let path = directory + "/followups.sqlite"
            let written: [FollowUp]
            do {
                let outbox = try FollowUpOutbox(path: path, logger: T.quiet)
                try await outbox.enqueue(T.slack("one", conversation: "a"))
                try await outbox.enqueue(T.slack("two", body: #"{"text":"\u00e9"}"#, conversation: "b"))
                try await outbox.enqueue(T.slack("three", conversation: "c"))
                try await outbox.markRetry("two", nextAt: T.t0 + 900, error: "HTTP 502", status: 502, at: T.t0 + 1)
                try await outbox.markFailed("three", error: FollowUpFailure(.rejected, "HTTP 404: used_url"), at: 2)
                written = [
                    try #require(try await outbox.followUp("one")),
                    try #require(try await outbox.followUp("two")),
                    try #require(try await outbox.followUp("three")),
                ]
                try outbox.close()
            }
            #expect(T.mode(of: path) == 0o600)
            let reopened = try FollowUpOutbox(path: path, logger: T.quiet)
            defer { try? reopened.close() }
            for followUp in written {
                #expect(try await reopened.followUp(followUp.id) == followUp)
            }
            #expect(written[1].attempts == 1)
            #expect(written[2].failureCode == .rejected)
            #expect(try await reopened.pendingCount() == 2)
            #expect(try await reopened.due(now: T.t0 + 900, limit: 10).map(\.id) == ["one", "two"])
            // The id is still taken after the reopen: a duplicate delivery after a restart does not post again.
            #expect(try await reopened.enqueue(T.slack("three", conversation: "c")) == .duplicate(written[2]))
        }
    }

    @Test func theFileIsWALAndOwnerOnly() async throws {
        try await T.withOutbox { outbox, path in
            try await outbox.enqueue(T.slack("one"))
            #expect(T.mode(of: path) == 0o600)
            #expect(T.mode(of: path + "-wal").map { $0 & 0o077 } == 0)
            let journal = try await outbox.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
            #expect(journal == "wal")
        }
        try await T.withDirectory { directory in
            let path = directory + "/followups.sqlite"
            #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
            let outbox = try FollowUpOutbox(path: path, logger: T.quiet)
            try outbox.close()
            #expect(T.mode(of: path) == 0o600)
        }
    }

    @Test func factoriesBuildPlatformDestinationsAndHashedConversations() throws {
        let slack = FollowUp.slackResponse(
            id: "slack:T1:trigger:1",
            responseURL: "https://hooks.slack.com/commands/T0001/2222/slackSecretToken9",
            body: Array(#"{"text":"ok"}"#.utf8),
            receivedAt: T.t0,
            now: T.t0 + 2000
        )
        #expect(slack.kind == .slackResponseURL)
        #expect(slack.destination == "https://hooks.slack.com/commands/T0001/2222/slackSecretToken9")
        #expect(slack.createdAt == T.t0 + 2000)
        #expect(slack.notAfter == T.t0 + 30 * T.minute)
        #expect(slack.conversation.hasPrefix("slack:"))
        #expect(!slack.conversation.contains("slackSecretToken9"))
        #expect(slack.destinationHost == "hooks.slack.com")

        let discord = FollowUp.discordFollowUp(
            id: "discord:1234:1",
            applicationID: "9876",
            interactionToken: "discordSecretToken7",
            body: Array(#"{"content":"ok","flags":64}"#.utf8),
            receivedAt: T.t0,
            now: T.t0
        )
        #expect(discord.destination == "https://discord.com/api/v10/webhooks/9876/discordSecretToken7")
        #expect(discord.notAfter == T.t0 + 15 * T.minute)
        #expect(discord.conversation.count == "discord:".count + 64)
        #expect(!discord.conversation.contains("discordSecretToken7"))
        // Same interaction token, same conversation; another token, another conversation.
        let sibling = FollowUp.discordFollowUp(
            id: "discord:1234:2",
            applicationID: "9876",
            interactionToken: "discordSecretToken7",
            body: [],
            receivedAt: T.t0,
            now: T.t0
        )
        #expect(sibling.conversation == discord.conversation)

        for followUp in [slack, discord] {
            for rendering in [followUp.description, String(reflecting: followUp), "\(followUp)"] {
                #expect(!rendering.contains("SecretToken"))
                #expect(rendering.contains(followUp.id))
            }
        }
    }
}
