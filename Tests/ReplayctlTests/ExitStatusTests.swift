import ReplayctlKit
import Testing

@Suite struct ExitStatusTests {
    @Test func outcomePendingIsTwelve() {
        #expect(ExitStatus.outcomePending.rawValue == 12)
        #expect(ExitStatus.outcomePending.codeWord == "outcome_pending")
        #expect(ExitStatus.forResponse(status: 202, code: "outcome_pending") == .outcomePending)
        #expect(ExitStatus.forResponse(status: 201, code: nil) == .ok)
    }

    @Test func mapsTheNewAnswers() {
        #expect(ExitStatus.forResponse(status: 422, code: "idempotency_key_reused") == .badRequest)
        #expect(ExitStatus.forResponse(status: 409, code: "request_in_progress") == .conflict)
        #expect(ExitStatus.forResponse(status: 404, code: "not_found") == .notFound)
        #expect(ExitStatus.forResponse(status: 504, code: "upstream_outcome_unknown") == .outcomeUnknown)
    }

    @Test func aggregatesToTheMostSevere() {
        #expect(ExitStatus.mostSevere([]) == .ok)
        #expect(ExitStatus.mostSevere([.ok, .ok]) == .ok)
        #expect(ExitStatus.mostSevere([.ok, .outcomePending, .ok]) == .outcomePending)
        #expect(ExitStatus.mostSevere([.outcomePending, .notFound]) == .notFound)
        #expect(ExitStatus.mostSevere([.notFound, .badRequest, .conflict]) == .badRequest)
        #expect(ExitStatus.mostSevere([.badRequest, .upstreamServerError]) == .upstreamServerError)
        #expect(ExitStatus.mostSevere([.upstreamUnreachable, .auth, .general]) == .auth)
        #expect(ExitStatus.mostSevere([.daemonUnreachable, .outcomeUnknown, .ok]) == .outcomeUnknown)
        #expect(ExitStatus.mostSevere([.outcomeUnknown, .usage]) == .usage)
    }

    @Test func severitiesAreDistinctAndOkIsLeast() {
        let severities = ExitStatus.allCases.map(\.severity)
        #expect(Set(severities).count == ExitStatus.allCases.count)
        #expect(ExitStatus.allCases.allSatisfy { $0 == .ok || $0.severity > ExitStatus.ok.severity })
    }

    @Test func theTallyKeepsTheMostSevere() {
        var tally = BulkTally(total: 3)
        tally.finish(.pending, exitStatus: .outcomePending, wasWaiting: false)
        #expect(tally.exitStatus == .outcomePending)
        tally.finishMalformed()
        #expect(tally.exitStatus == .badRequest)
        tally.finish(.created, exitStatus: .ok, wasWaiting: false)
        #expect(tally.exitStatus == .badRequest)
    }
}
