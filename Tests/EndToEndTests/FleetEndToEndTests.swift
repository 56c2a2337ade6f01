import Curl
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 14's acceptance with real processes: two `replayd serve` on one real PostgreSQL database, one simulator.
/// A stopped instance is fenced out once the other has taken its replay over, a killed one loses nothing over
/// 2,000 replays, and one key or one webhook delivery sent to both instances at once makes one run.
///
/// Serialized: each test runs two daemons under 3-second leases, and the machine is shared with the other suites.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct FleetEndToEndTests {
    /// The upstream POST of a replay, as the simulator counts requests.
    static let replayRoute = "POST /v1/runs/{runID}/replay"

    /// A: its replay's answer is stalled upstream (the run exists), and A is stopped (SIGSTOP) past its lease. B
    /// takes the record over and reconciles it (finds the run). When A runs again (SIGCONT) its lease is lost: the
    /// write of its attempt's outcome is fenced, it sends nothing more, and Strait saw one request and one run.
    @Test func aStoppedInstanceIsFencedOutAfterTheOtherTookItsReplayOver() async throws {
        // A's attempt times out (5 s) while A is stopped: its outcome is due the moment A runs again.
        let stall = ["kind": "after_commit", "mode": "stall", "run_id": "run_failed_1"]
        try await FleetHarness.withFleet(faults: [stall]) { fleet in
            try await FleetHarness.withClient { client in
                let (a, b) = (0, 1)

                try await withThrowingTaskGroup(of: FleetAnswer?.self) { group in
                    // A's caller: its answer comes only once A runs again, if at all (the record is B's by then).
                    group.addTask { try? await fleet.replay("run_failed_1", key: "fence-1", on: a, client: client) }

                    // The run exists upstream and A waits for the stalled answer: stop A there.
                    #expect(
                        try await fleet.simulator.eventually { try await fleet.simulator.simulatorReplayTotal() == 1 }
                    )
                    try fleet.signal(a, SIGSTOP)

                    // B takes the record over once A's lease expired, and reconciles it: the run is found.
                    let takeovers = try await fleet.auditRecords(b, stage: "lease_takeover")
                    #expect(takeovers.count == 1)
                    try Self.expectLeaseRecord(takeovers.first, by: "gw-b", naming: "previous_instance", "gw-a")
                    let settled = try await fleet.members[b].waitForRecord("fence-1", in: ["succeeded"])
                    #expect(settled.state == "succeeded", "\(settled.body)")
                    let record = (try? JSONSerialization.jsonObject(with: Data(settled.body.utf8))) as? [String: Any]
                    let runID = try #require(record?["new_run_id"] as? String, "\(settled.body)")

                    // A runs again: its renewal finds the lease lost, and its attempt's outcome cannot be written.
                    try fleet.signal(a, SIGCONT)
                    let lost = try await fleet.auditRecords(a, stage: "lease_lost")
                    #expect(lost.count == 1)
                    try Self.expectLeaseRecord(lost.first, by: "gw-a", naming: "new_instance", "gw-b")
                    let fenced = await fleet.members[a].daemon?.waitForStderr {
                        $0.contains("lost the lease on the replay to another instance; stopping without sending")
                    }
                    #expect(fenced != nil, "A's driver never hit the fence")

                    // One request and one run upstream, and the record is still B's outcome.
                    let counts = try await fleet.simulator.simulatorJSON("/_sim/replays")
                    #expect((counts["total"] as? NSNumber)?.intValue == 1)
                    #expect((counts["by_original_run"] as? [String: Any])?["run_failed_1"] as? NSNumber == 1)
                    let requests = try await fleet.simulator.simulatorJSON("/_sim/requests")
                    #expect((requests["by_route"] as? [String: Any])?[Self.replayRoute] as? NSNumber == 1)
                    let after = try await fleet.members[a].waitForRecord("fence-1", in: ["succeeded"])
                    #expect(after.body.contains(runID))

                    // A's caller, if it got an answer at all, got B's run.
                    for try await answer in group {
                        if let answer, answer.status == 201 { #expect(answer.runID == runID, "\(answer)") }
                    }
                }

                let verified = try await fleet.verifyAudit()
                #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
                #expect(verified.stdout.contains("fleet: 2 of 2 chains intact"), "\(verified.stdout)")
            }
        }
    }

    /// 2,000 replays, 5% of them with an ambiguous upstream answer (500, 504 or a reset after the run was
    /// created), every key sent to both instances at once; A is killed (SIGKILL) once about half have their
    /// answers. A few of A's replays are certainly unfinished then: their answers are stalled upstream. B takes
    /// them over once A's leases expired and finishes them; every key then gets its final answer from B, the same
    /// as before the kill, and every run was replayed exactly once.
    @Test func killingOneOfTwoInstancesMidwayLosesNothingAndReplaysEveryRunOnce() async throws {
        let count = 2000
        let ids = (0..<count).map { String(format: "run_fleet_%04d", $0) }
        // Replayed on A alone before the load, and held there: A is killed with them in flight.
        let stalled = Array(ids.prefix(4))
        let loaded = Array(ids.dropFirst(stalled.count))
        var generator = SystemRandomNumberGenerator()
        let ambiguous = loaded.shuffled(using: &generator).prefix(count / 20)
        let modes = ["status_500", "status_504", "reset"]
        let rules =
            stalled.map { ["kind": "after_commit", "mode": "stall", "run_id": $0] }
            + ambiguous.map {
                ["kind": "after_commit", "mode": modes.randomElement(using: &generator) ?? "reset", "run_id": $0]
            }
        // An attempt timeout longer than the test needs to kill A once the stalled replays are sent.
        try await FleetHarness.withFleet(
            failedRunIDs: ids,
            faults: rules,
            simulatorArguments: ["--ip-rate-limit", "0", "--key-rate-limit", "0"],
            attemptTimeout: "60s",
            replays: "coalesce_window = \"0s\""
        ) { fleet in
            try await FleetHarness.withClient { client in
                let (a, b) = (0, 1)
                let progress = FleetLoadProgress()

                /// The final answer for `key` from member `index`, or from B once A has been killed.
                @Sendable func answer(_ runID: String, _ key: String, on index: Int) async throws -> FleetAnswer {
                    do {
                        return try await fleet.replay(runID, key: key, on: index, client: client)
                    } catch {
                        guard index == a, progress.killed else { throw error }
                        return try await fleet.replay(runID, key: key, on: b, client: client)
                    }
                }

                /// Once half the keys have their answers, A takes the stalled ones (their callers wait on A), and is
                /// killed as soon as the simulator has their runs: they are in flight on A when it dies.
                @Sendable func killAOnceHalfAnswered() async throws -> (
                    answeredAtKill: Int, stalled: [String: FleetAnswer]
                ) {
                    _ = try await fleet.simulator.eventually { progress.answeredCount >= count / 2 }
                    async let stalledAnswers = FleetHarness.map(stalled) { try await answer($0, "key-\($0)", on: a) }
                    let sent = try await fleet.simulator.eventually {
                        let counts = try await fleet.simulator.simulatorJSON("/_sim/replays")
                        let byOriginal = counts["by_original_run"] as? [String: Any] ?? [:]
                        return stalled.allSatisfy { byOriginal[$0] != nil }
                    }
                    guard sent else { throw HarnessError("A never sent the stalled replays") }
                    let answeredAtKill = progress.answeredCount
                    progress.kill()
                    try fleet.signal(a, SIGKILL)
                    return (answeredAtKill, try await stalledAnswers)
                }
                async let killer = killAOnceHalfAnswered()

                // The load: 16 keys at a time, each sent to A and B at once.
                let answers = try await FleetHarness.map(loaded) { id -> [FleetAnswer] in
                    async let first = answer(id, "key-\(id)", on: a)
                    async let second = answer(id, "key-\(id)", on: b)
                    let pair = try await [first, second]
                    progress.answered()
                    return pair
                }
                let (answeredAtKill, stalledAnswers) = try await killer
                #expect(progress.killed)
                #expect(answeredAtKill < loaded.count, "A was killed before the load ended")
                #expect(await fleet.members[a].daemon?.waitForExit() == 128 + SIGKILL)
                let firstAnswers = stalledAnswers.merging(answers.mapValues { $0[0] }) { first, _ in first }
                #expect(answers.count == loaded.count)
                for (id, pair) in answers {
                    #expect(pair[0].status == 201 && pair[0].runID != nil, "\(id): \(pair[0])")
                    #expect(pair[0].runID == pair[1].runID, "\(id): \(pair)")
                }

                // B took A's unfinished replays over after their leases expired, and finished them.
                let takeovers = try await fleet.auditRecords(b, stage: "lease_takeover", atLeast: stalled.count)
                #expect(takeovers.count >= stalled.count)
                for takeover in takeovers {
                    let details = try Self.expectLeaseRecord(takeover, by: "gw-b", naming: "previous_instance", "gw-a")
                    let expiry = try #require((details["previous_expires_at_ms"] as? NSNumber)?.int64Value)
                    let at = try #require(Self.unixMilliseconds(takeover["ts"] as? String), "\(takeover)")
                    #expect(at >= expiry, "taken over before the lease expired: \(takeover)")
                }
                for (id, answer) in stalledAnswers {
                    #expect(answer.status == 201 && answer.runID != nil, "\(id): \(answer)")
                }

                // Every key asked again, now of B alone: the same final answer as before, no new run.
                let again = try await FleetHarness.map(ids) {
                    try await fleet.replay($0, key: "key-\($0)", on: b, client: client)
                }
                #expect(again.count == count)
                for id in ids {
                    #expect(again[id]?.status == 201, "\(id): \(String(describing: again[id]))")
                    #expect(again[id]?.runID != nil && again[id]?.runID == firstAnswers[id]?.runID, "\(id)")
                }

                let counts = try await fleet.simulator.simulatorJSON("/_sim/replays")
                #expect((counts["total"] as? NSNumber)?.intValue == count)
                let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
                #expect(byOriginal.count == count)
                #expect(byOriginal.values.allSatisfy { ($0 as? NSNumber)?.intValue == 1 })
                let left = try await fleet.simulator.simulatorJSON("/_sim/faults")
                #expect((left["faults"] as? [Any])?.isEmpty == true, "every fault fired")

                let verified = try await fleet.verifyAudit()
                #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
            }
        }
    }

    /// Expects `record` to be a lease audit record (`lease_takeover`, `lease_lost`) written by `instance` that names
    /// it (`details.instance`) and the other instance (`details[key]`); returns its details.
    @discardableResult
    static func expectLeaseRecord(
        _ record: [String: Any]?,
        by instance: String,
        naming key: String,
        _ other: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let record = try #require(record, "no \(key) record", sourceLocation: sourceLocation)
        let details = try #require(record["details"] as? [String: Any], "\(record)", sourceLocation: sourceLocation)
        #expect(record["instance"] as? String == instance, "\(record)", sourceLocation: sourceLocation)
        #expect(details["instance"] as? String == instance, "\(record)", sourceLocation: sourceLocation)
        #expect(details[key] as? String == other, "\(record)", sourceLocation: sourceLocation)
        return details
    }

    /// An audit record's `ts` (RFC 3339, UTC, up to nanoseconds) in Unix milliseconds.
    static func unixMilliseconds(_ timestamp: String?) -> Int64? {
        guard let timestamp, timestamp.count >= 20, timestamp.hasSuffix("Z") else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        guard let seconds = formatter.date(from: String(timestamp.prefix(19))) else { return nil }
        let fraction = timestamp.dropFirst(19).dropLast().drop { $0 == "." }
        let milliseconds = Int64((fraction + "000").prefix(3)) ?? 0
        return Int64(seconds.timeIntervalSince1970) * 1000 + milliseconds
    }

    /// One key sent to both instances at once (twenty such keys at once): each makes one run, and both instances
    /// answer it with the same status and the same run.
    @Test func oneKeySentToBothInstancesAtOnceMakesOneRunAndTheSameAnswerFromBoth() async throws {
        let ids = (0..<20).map { String(format: "run_both_%02d", $0) }
        try await FleetHarness.withFleet(failedRunIDs: ids) { fleet in
            try await FleetHarness.withClient { client in
                let answers = try await FleetHarness.map(ids, width: ids.count) { id -> [FleetAnswer] in
                    async let first = fleet.replay(id, key: "both-\(id)", on: 0, client: client)
                    async let second = fleet.replay(id, key: "both-\(id)", on: 1, client: client)
                    return try await [first, second]
                }
                #expect(answers.count == ids.count)
                for (id, pair) in answers {
                    #expect(pair.map(\.status) == [201, 201], "\(id): \(pair)")
                    #expect(pair[0].runID != nil && pair[0].runID == pair[1].runID, "\(id): \(pair)")
                }
                let counts = try await fleet.simulator.simulatorJSON("/_sim/replays")
                #expect((counts["total"] as? NSNumber)?.intValue == ids.count)
                let byOriginal = try #require(counts["by_original_run"] as? [String: Any])
                #expect(Set(byOriginal.keys) == Set(ids))
                #expect(byOriginal.values.allSatisfy { ($0 as? NSNumber)?.intValue == 1 })
            }
        }
    }

    /// One Standard Webhooks delivery sent to both instances at once: one run, and the same answer from both.
    @Test func oneWebhookDeliverySentToBothInstancesAtOnceMakesOneRunAndTwoIdenticalAnswers() async throws {
        let environment = ["STD_SECRET": WebhookEndToEndTests.secrets["STD_SECRET"] ?? ""]
        try await FleetHarness.withFleet(webhooks: ReloadEndToEndTests.webhookConfig(), environment: environment) {
            fleet in
            let delivery = try await WebhookEndToEndTests.standardWebhook(
                fleet.members[0],
                id: "msg_fleet_1",
                runID: "run_failed_2"
            )
            async let first = fleet.members[0].postWebhook("std", body: delivery.body, headers: delivery.headers)
            async let second = fleet.members[1].postWebhook("std", body: delivery.body, headers: delivery.headers)
            let answers = try await [first, second]
            #expect(answers.map(\.status) == [202, 202], "\(answers)")
            #expect(answers[0].body == answers[1].body, "answers differ: \(answers)")

            // The one replay is sent once, by whichever instance claimed the delivery's key; the other answered
            // from the shared record (it may also record the outcome it waited for: the same run).
            var records: [[String: Any]] = []
            #expect(
                try await fleet.simulator.eventually {
                    records = try await fleet.auditRecords(0) + fleet.auditRecords(1)
                    return records.contains { $0["stage"] as? String == "outcome" }
                }
            )
            #expect(records.filter { $0["stage"] as? String == "attempt" }.count == 1, "\(records)")
            let newRuns = Set(
                records.filter { $0["stage"] as? String == "outcome" }.map { $0["new_run_id"] as? String }
            )
            #expect(newRuns.count == 1 && newRuns.first??.isEmpty == false, "\(newRuns)")
            let counts = try await fleet.simulator.simulatorJSON("/_sim/replays")
            #expect((counts["total"] as? NSNumber)?.intValue == 1)
            #expect((counts["by_original_run"] as? [String: Any])?["run_failed_2"] as? NSNumber == 1)

            let verified = try await fleet.verifyAudit()
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        }
    }
}
