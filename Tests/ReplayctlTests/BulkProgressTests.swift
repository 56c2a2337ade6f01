import ReplayctlKit
import Testing

@Suite struct BulkProgressTests {
    @Test func rendersTheBarAndTheCounts() {
        var tally = BulkTally(total: 4)
        #expect(
            tally.progressLine(barWidth: 10)
                == "[..........] 0/4 created 0 replayed 0 coalesced 0 failed 0 pending 0"
        )
        tally.finish(.created, exitStatus: .ok, wasWaiting: false)
        tally.startWaiting()
        #expect(
            tally.progressLine(barWidth: 10)
                == "[##........] 1/4 created 1 replayed 0 coalesced 0 failed 0 pending 1"
        )
        tally.finish(.created, exitStatus: .ok, wasWaiting: true)
        tally.finishMalformed()
        tally.finish(.coalesced, exitStatus: .ok, wasWaiting: false)
        #expect(
            tally.progressLine(barWidth: 10)
                == "[##########] 4/4 created 2 replayed 0 coalesced 1 failed 1 pending 0"
        )
    }

    @Test func theDefaultBarIsTwentyWideAndAnEmptyRunIsFull() {
        var tally = BulkTally(total: 2000)
        for _ in 0..<512 { tally.finish(.created, exitStatus: .ok, wasWaiting: false) }
        #expect(tally.progressLine().hasPrefix("[#####...............] 512/2000 created 512 "))
        #expect(BulkTally(total: 0).progressLine(barWidth: 4).hasPrefix("[####] 0/0 "))
    }

    @Test func fitsTheTerminalByShrinkingTheBarFirst() {
        var tally = BulkTally(total: 2000)
        for _ in 0..<512 { tally.finish(.created, exitStatus: .ok, wasWaiting: false) }
        let counts = "512/2000 created 512 replayed 0 coalesced 0 failed 0 pending 0"
        #expect(tally.progressLine(fitting: 200) == "[#####...............] " + counts)
        #expect(tally.progressLine(fitting: 80) == "[###...........] " + counts)
        #expect(tally.progressLine(fitting: 80).count == 79)
        #expect(tally.progressLine(fitting: counts.count + 9) == "[#....] " + counts)
        #expect(tally.progressLine(fitting: 40) == String(counts.prefix(39)))
    }

    @Test func summarisesEveryOutcome() {
        var tally = BulkTally(total: 6)
        tally.finish(.created, exitStatus: .ok, wasWaiting: false)
        tally.finish(.replayed, exitStatus: .ok, wasWaiting: false)
        tally.finish(.coalesced, exitStatus: .ok, wasWaiting: false)
        tally.finish(.failed, exitStatus: .notFound, wasWaiting: false)
        tally.finishMalformed()
        tally.finish(.pending, exitStatus: .outcomePending, wasWaiting: false)
        #expect(
            tally.summary
                == "6 lines: 1 created, 1 already replayed, 1 coalesced, 2 failed (1 malformed), 1 pending"
        )
        #expect(
            BulkTally(total: 1).summary == "1 line: 0 created, 0 already replayed, 0 coalesced, 0 failed, 0 pending"
        )
    }

    @Test func throttlesRedrawsButNotTheForcedLastOne() {
        var throttle = ProgressThrottle(interval: .milliseconds(100))
        var draws: [Bool] = []
        draws.append(throttle.shouldDraw(at: .milliseconds(0)))
        draws.append(throttle.shouldDraw(at: .milliseconds(50)))
        draws.append(throttle.shouldDraw(at: .milliseconds(60), force: true))
        draws.append(throttle.shouldDraw(at: .milliseconds(159)))
        draws.append(throttle.shouldDraw(at: .milliseconds(160)))
        #expect(draws == [true, false, true, false, true])
    }

    @Test func aLineStatusFollowsTheResult() {
        let created = CreatedReplay(key: "k", body: nil, run: nil, newRunID: "r2", replayed: false, coalesced: false)
        #expect(BulkLineStatus(.created(created)) == .created)
        var coalesced = created
        coalesced.coalesced = true
        #expect(BulkLineStatus(.created(coalesced)) == .coalesced)
        var replayed = coalesced
        replayed.replayed = true
        #expect(BulkLineStatus(.created(replayed)) == .replayed)
        #expect(BulkLineStatus(.pending(PendingReplay(key: "k", message: "m"))) == .pending)
        #expect(BulkLineStatus(.failed(ReplayFailure(message: "m", exitStatus: .notFound))) == .failed)
    }

    @Test func jsonLinesCarryEveryFieldWithNulls() {
        let entry = BulkEntry(line: 3, runID: "run_a", checkpoint: 2)
        let created = CreatedReplay(
            key: "bulk-x-3",
            body: nil,
            run: nil,
            newRunID: "run_new",
            replayed: true,
            coalesced: false
        )
        #expect(
            BulkLineReport(entry: entry, key: "bulk-x-3", result: .created(created)).jsonLine()
                == #"{"error":null,"exit_code":0,"key":"bulk-x-3","line":3,"new_run_id":"run_new","run_id":"run_a","status":"replayed"}"#
        )
        let malformed = BulkLineError(line: 9, text: "a b c", message: "bad")
        #expect(
            BulkLineReport(malformed: malformed).jsonLine()
                == #"{"error":"bad","exit_code":7,"key":null,"line":9,"new_run_id":null,"run_id":null,"status":"failed"}"#
        )
        let failure = ReplayFailure(message: "run not found", exitStatus: .notFound, httpStatus: 404)
        let failed = BulkLineReport(entry: entry, key: "k", result: .failed(failure))
        #expect(failed.status == .failed && failed.exitCode == 5 && failed.error == "run not found")
    }
}
