import Curl
import Logging
import ServiceLifecycle
import Testing

@testable import ReplayCore

private typealias T = FollowUpTesting
private typealias H = FollowUpHarness

/// The poster against a real local HTTP server through the real `CurlClient`, driven pass by pass with explicit
/// times (and one test of the service loop on the manual clock).
@Suite struct FollowUpWorkerTests {
    @Test func postsTheBodyAsJSONAndMarksItDelivered() async throws {
        try await H.with(answering: [.text(200, "ok")]) { h in
            let followUp = try await h.enqueue(h.slack("slack:T1:trig:1"))
            let pass = await h.worker.deliverDue(now: T.t0)
            #expect(pass.delivered == 1 && pass.total == 1)

            let requests = h.server.requests
            try #require(requests.count == 1)
            #expect(requests[0].method == "POST")
            #expect(requests[0].uri == "/actions/T0001/1234567890/slackTOKENxoxb0123456789abcdef")
            #expect(requests[0].header("Content-Type") == "application/json")
            #expect(requests[0].body == followUp.body)

            let stored = try await h.stored("slack:T1:trig:1")
            #expect(stored.state == .delivered)
            #expect(stored.attempts == 1)
            #expect(stored.lastStatus == 200)
            #expect(stored.finishedAt == T.t0)
            #expect(h.observer.events == [FollowUpEvent(followUp: stored, result: .delivered(status: 200))])
            // Nothing is due any more.
            #expect(await h.worker.deliverDue(now: T.t0 + 60_000).total == 0)
            #expect(h.server.requests.count == 1)
        }
    }

    @Test func a503IsRetriedWithBackoffThenDelivered() async throws {
        try await H.with(jitter: 0.5, answering: [.text(503, "busy"), .text(503), .text(200, "ok")]) { h in
            try await h.enqueue(h.slack("s1"))

            #expect(await h.worker.deliverDue(now: T.t0).retrying == 1)
            // Retry 1: ceiling 1 s, equal jitter at 0.5 → 750 ms.
            var stored = try await h.stored("s1")
            #expect(stored.state == .pending)
            #expect(stored.attempts == 1)
            #expect(stored.nextAttemptAt == T.t0 + 750)
            #expect(stored.lastStatus == 503)
            #expect(stored.lastError == "HTTP 503: busy")

            #expect(await h.worker.deliverDue(now: T.t0 + 749).total == 0)
            #expect(h.server.requests.count == 1)
            #expect(await h.worker.deliverDue(now: T.t0 + 750).retrying == 1)
            // Retry 2: ceiling 2 s → 1.5 s after the second attempt.
            stored = try await h.stored("s1")
            #expect(stored.nextAttemptAt == T.t0 + 750 + 1500)
            #expect(stored.lastError == "HTTP 503")

            #expect(await h.worker.deliverDue(now: T.t0 + 2250).delivered == 1)
            stored = try await h.stored("s1")
            #expect(stored.state == .delivered)
            #expect(stored.attempts == 3)
            #expect(h.server.requests.count == 3)
            #expect(h.server.requests.allSatisfy { $0.body == stored.body })
            #expect(
                h.observer.events.map(\.result) == [
                    .retrying(nextAttemptAt: T.t0 + 750, status: 503, error: "HTTP 503: busy"),
                    .retrying(nextAttemptAt: T.t0 + 2250, status: 503, error: "HTTP 503"),
                    .delivered(status: 200),
                ]
            )
        }
    }

    @Test func a429IsRetriedAfterItsRetryAfter() async throws {
        let limited = FollowUpTestResponse.text(
            429,
            #"{"message":"You are being rate limited.","retry_after":7.2,"global":false}"#,
            headers: [(name: "Retry-After", value: "7")]
        )
        try await H.with(jitter: 0.5, answering: [limited, .text(204)]) { h in
            let discord = FollowUp.discordFollowUp(
                id: "discord:i1:1",
                applicationID: "1100",
                interactionToken: "aW50ZXJhY3Rpb24tdG9rZW4",
                body: Array(#"{"content":"Replay started","flags":64}"#.utf8),
                receivedAt: T.t0,
                now: T.t0,
                apiBaseURL: h.server.url("/api/v10")
            )
            try await h.enqueue(discord)
            #expect(await h.worker.deliverDue(now: T.t0).retrying == 1)
            #expect(h.server.requests.first?.uri == "/api/v10/webhooks/1100/aW50ZXJhY3Rpb24tdG9rZW4")
            // 7 s plus jitter of up to 10 % of it (0.5 → 5 %, 350 ms).
            let stored = try await h.stored("discord:i1:1")
            #expect(stored.nextAttemptAt == T.t0 + 7350)
            #expect(stored.lastStatus == 429)
            #expect(await h.worker.deliverDue(now: T.t0 + 7349).total == 0)
            #expect(await h.worker.deliverDue(now: T.t0 + 7350).delivered == 1)
            #expect(try await h.stored("discord:i1:1").lastStatus == 204)
            #expect(h.server.requests.count == 2)
        }
    }

    @Test func a404FailsAtOnceWithoutRetrying() async throws {
        try await H.with(answering: [.text(404, "expired_url")]) { h in
            try await h.enqueue(h.slack("s1"))
            #expect(await h.worker.deliverDue(now: T.t0).failed == 1)
            let stored = try await h.stored("s1")
            #expect(stored.state == .failed)
            #expect(stored.failureCode == .rejected)
            #expect(stored.lastStatus == 404)
            #expect(stored.lastError == "the platform refused it: HTTP 404: expired_url")
            #expect(stored.attempts == 1)
            #expect(
                h.observer.events.map(\.result) == [
                    .failed(FollowUpFailure(.rejected, "the platform refused it: HTTP 404: expired_url"), status: 404)
                ]
            )
            #expect(await h.worker.deliverDue(now: T.t0 + 3_600_000).total == 0)
            #expect(h.server.requests.count == 1)
        }
    }

    @Test func anExpiredFollowUpFailsWithoutBeingSent() async throws {
        try await H.with(answering: [.text(200)]) { h in
            try await h.enqueue(h.slack("late", notAfter: T.t0 + 1000))
            #expect(await h.worker.deliverDue(now: T.t0 + 1000).failed == 1)
            let stored = try await h.stored("late")
            #expect(stored.state == .failed)
            #expect(stored.failureCode == .expired)
            #expect(stored.attempts == 0)
            #expect(h.server.requests.isEmpty)
            #expect(h.observer.events.count == 1)
            #expect(h.observer.events.first?.isFinal == true)
        }
    }

    @Test func retriesStopWhenTheNextTryWouldBePastTheDeadline() async throws {
        let unavailable = FollowUpTestResponse.text(503, headers: [(name: "Retry-After", value: "5")])
        try await H.with(answering: [unavailable]) { h in
            try await h.enqueue(h.slack("s1", notAfter: T.t0 + 8000))
            #expect(await h.worker.deliverDue(now: T.t0).retrying == 1)
            #expect(try await h.stored("s1").nextAttemptAt == T.t0 + 5000)
            // At t0 + 5 s, another 5 s would end at t0 + 10 s, after notAfter: give up now.
            #expect(await h.worker.deliverDue(now: T.t0 + 5000).failed == 1)
            let stored = try await h.stored("s1")
            #expect(stored.state == .failed)
            #expect(stored.failureCode == .gaveUp)
            #expect(stored.attempts == 2)
            #expect(stored.lastStatus == 503)
            #expect(stored.lastError?.hasPrefix("gave up after 2 attempts: HTTP 503; the next try") == true)
            #expect(h.server.requests.count == 2)
        }
    }

    @Test func aRefusedConnectionIsRetried() async throws {
        try await H.with(answering: [.text(200)]) { h in
            // A port nobody listens on any more.
            let gone = try await FollowUpTestServer.start(answering: [])
            let port = gone.port
            await gone.stop()
            let followUp = T.slack(
                "s1",
                destination: "http://127.0.0.1:\(port)/actions/T0001/1/closedPortToken123",
                conversation: "a"
            )
            try await h.enqueue(followUp)
            #expect(await h.worker.deliverDue(now: T.t0).retrying == 1)
            let stored = try await h.stored("s1")
            #expect(stored.state == .pending)
            #expect(stored.lastStatus == nil)
            #expect(stored.lastError?.hasPrefix("network error: could_not_connect") == true)
            #expect(stored.nextAttemptAt == T.t0 + 500)
        }
    }

    @Test func followUpsOfOneConversationArePostedInOrder() async throws {
        try await H.with(answering: [.text(500), .text(200)]) { h in
            try await h.enqueue(h.slack("first", body: #"{"text":"1"}"#, conversation: "same"))
            try await h.enqueue(h.slack("second", body: #"{"text":"2"}"#, conversation: "same"))
            #expect(await h.worker.deliverDue(now: T.t0).retrying == 1)
            // "second" is due too, but waits for "first".
            #expect(await h.worker.deliverDue(now: T.t0 + 100).total == 0)
            #expect(await h.worker.deliverDue(now: T.t0 + 500).delivered == 1)
            #expect(await h.worker.deliverDue(now: T.t0 + 500).delivered == 1)
            let bodies = h.server.requests.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(bodies == [#"{"text":"1"}"#, #"{"text":"1"}"#, #"{"text":"2"}"#])
        }
    }

    @Test func manyConversationsArePostedInOnePass() async throws {
        var configuration = H.configuration
        configuration.maxConcurrentPosts = 3
        configuration.batchSize = 10
        try await H.with(configuration: configuration, answering: [.text(200)]) { h in
            for n in 0..<12 {
                try await h.enqueue(h.slack("m\(n)", token: "token\(n)padding00", createdAt: T.t0 + Int64(n)))
            }
            #expect(await h.worker.deliverDue(now: T.t0 + 100).delivered == 10)
            #expect(await h.worker.deliverDue(now: T.t0 + 100).delivered == 2)
            #expect(try await h.outbox.pendingCount() == 0)
            #expect(Set(h.server.requests.map(\.uri)).count == 12)
        }
    }

    @Test func noTokenReachesALogLineAnErrorOrAnEvent() async throws {
        let token = "xoxTOKENsecret0123456789"
        // The fake platform echoes the request's path back, so a careless error message would carry the token.
        let echo: @Sendable (Int, FollowUpRecordedRequest) -> FollowUpTestResponse = { index, request in
            switch index {
            case 0: .text(503, "retry \(request.uri)")
            case 1: .text(200, "ok")
            case 2: .text(404, "unknown webhook at \(request.uri)")
            default: .text(200)
            }
        }
        try await H.with(handler: echo) { h in
            try await h.enqueue(h.slack("a", token: token, conversation: "slack:\(token)"))
            #expect(await h.worker.deliverDue(now: T.t0).retrying == 1)
            #expect(await h.worker.deliverDue(now: T.t0 + 60_000).delivered == 1)
            try await h.enqueue(h.slack("b", token: token + "b", conversation: "b:\(token)"))
            #expect(await h.worker.deliverDue(now: T.t0 + 60_000).failed == 1)
            try await h.enqueue(h.slack("c", token: token + "c", conversation: "c:\(token)", notAfter: T.t0 + 1))
            #expect(await h.worker.deliverDue(now: T.t0 + 60_000).failed == 1)
            #expect(await h.worker.pruneIfDue(now: T.t0 + 60_000) == 0)

            let stored = [try await h.stored("a"), try await h.stored("b"), try await h.stored("c")]
            #expect(stored[0].lastError == nil)
            #expect(
                stored[1].lastError
                    == "the platform refused it: HTTP 404: unknown webhook at /actions/T0001/[redacted]/[redacted]"
            )
            let texts =
                h.log.all + h.observer.events.map(\.description) + stored.map(\.description)
                + stored.compactMap(\.lastError)
            #expect(h.log.all.count >= 4)
            for text in texts {
                #expect(!text.contains(token), "\(text)")
                #expect(!text.contains("TOKEN"), "\(text)")
            }
            // What logs carry instead: the host and a keyed hash, on every line about a follow-up.
            let lines = h.log.all.filter { $0.contains("follow_up_id=a ") && !$0.contains("follow-up enqueued") }
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { $0.contains("destination_host=127.0.0.1") && $0.contains("destination_hash=") })
        }
    }

    @Test func theServiceLoopPostsOnWakeAndOnPollAndStopsOnGracefulShutdown() async throws {
        try await H.with(answering: [.text(200)]) { h in
            let group = ServiceGroup(services: [h.worker], gracefulShutdownSignals: [], logger: T.quiet)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var events = h.observer.stream.makeAsyncIterator()
                await Self.waitForSleeper(h.clock)

                // A wake makes a pass at once, without time moving.
                try await h.enqueue(h.slack("woken", token: "wokenToken0001", createdAt: h.clock.wallNowMilliseconds()))
                h.worker.wake()
                #expect(await events.next()?.followUp.id == "woken")
                #expect(h.clock.wallNowMilliseconds() == T.t0)

                // Without a wake, the next poll finds it: nothing happens until a whole poll interval passes.
                await Self.waitForSleeper(h.clock)
                try await h.enqueue(
                    h.slack("polled", token: "polledToken0002", createdAt: h.clock.wallNowMilliseconds())
                )
                h.clock.advance(by: .milliseconds(4999))
                #expect(h.clock.sleeperCount == 1)
                h.clock.advance(by: .milliseconds(1))
                let polled = await events.next()
                #expect(polled?.followUp.id == "polled")
                #expect(polled?.followUp.finishedAt == T.t0 + 5000)

                await Self.waitForSleeper(h.clock)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(h.clock.requestedSleeps == [.seconds(5), .seconds(5), .seconds(5)])
            #expect(h.clock.sleeperCount == 0)
            #expect(h.server.requests.count == 2)
        }
    }

    @Test func theLoopSleepsOnlyUntilTheNextRetryIsDue() async throws {
        try await H.with(jitter: 0, answering: [.text(502), .text(200)]) { h in
            try await h.enqueue(h.slack("s1"))
            let pass = await h.worker.runOnce(now: T.t0)
            #expect(pass.retrying == 1)
            // Retry at t0 + 500 ms: the loop would sleep 500 ms, not the 5 s poll interval.
            #expect(await h.worker.wait(after: pass) == .milliseconds(500))
            var interrupted = FollowUpPass()
            interrupted.interrupted = 1
            #expect(await h.worker.wait(after: interrupted) == .seconds(5))
            #expect(await h.worker.runOnce(now: T.t0 + 500).delivered == 1)
            #expect(await h.worker.wait(after: FollowUpPass()) == .seconds(5))
        }
    }

    @Test func aPostCutShortByClientShutdownStaysPending() async throws {
        try await H.with(answering: [.text(200)]) { h in
            try await h.enqueue(h.slack("s1"))
            await h.http.shutdown()
            let pass = await h.worker.deliverDue(now: T.t0)
            #expect(pass.interrupted == 1)
            let stored = try await h.stored("s1")
            #expect(stored.state == .pending)
            #expect(stored.attempts == 0)
            #expect(h.observer.events.isEmpty)
        }
    }

    /// Yields until the worker is asleep on `clock` (no wall-clock waiting).
    private static func waitForSleeper(
        _ clock: ManualReplayClock,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        var spins = 0
        while clock.sleeperCount == 0 && spins < 10_000_000 {
            spins += 1
            await Task.yield()
        }
        #expect(clock.sleeperCount == 1, "the worker never went to sleep", sourceLocation: sourceLocation)
    }
}
