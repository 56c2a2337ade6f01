import StraitSimulator
import Testing

@testable import ReplayCore

/// Bulk replays against Strait's per-key limit at every start offset of its window, for bursts of 100 to 5,000,
/// under both window algorithms the pacer must cope with (the simulator's aligned sliding window and the real
/// limiter's fixed window from the first call), with 16 callers in flight and a 429 costing its replay the full
/// `Retry-After` the engine honours. Deterministic: `PacingModel` runs on virtual time.
///
/// The bound is 1.1× the least time the limit allows from that offset, plus one second for the last calls'
/// round trips and the reserve's spacing (a burst that fits in the window has a minimum of about zero), and at
/// most 1 % of calls answered 429.
@Suite struct UpstreamPacerWindowSweepTests {
    struct Sweep: Sendable, CustomTestStringConvertible {
        var scenario: PacingModel.Scenario
        var offsets: [Int]
        /// Why this sweep does not hold the bound yet (see HANDOFF.md), or `nil` when it must.
        var knownIssue: String? = nil
        var testDescription: String { "\(scenario), offsets \(offsets.first ?? 0)–\(offsets.last ?? 0) s" }
    }

    static let everyOffset = Array(0..<60)

    /// After the first refill of a sliding window, the GCRA spends at exactly the refill rate with 16 calls out,
    /// and answers out of order let a call through now and then that Strait refuses; each costs its replay 63 s.
    static let slidingSteadyState = "sliding window after its first refill: occasional 429s, each a 63 s retry"
    /// A burst of exactly the limit: its last calls find fewer units than callers and wait for the window's end.
    static let exactlyTheLimit = "a burst of exactly the limit spreads its last unit to the window's end"
    /// 16 callers against 100/min: the 16 calls sent before the limit is known overrun a small window.
    static let smallLimit = "16 callers before the limit is known overrun a limit of 100"

    static let sweeps: [Sweep] = [
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 100, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 600, limit: 600), offsets: everyOffset),
        Sweep(
            scenario: .init(limiter: .slidingAligned, requests: 1000, limit: 600),
            offsets: everyOffset,
            knownIssue: slidingSteadyState
        ),
        Sweep(
            scenario: .init(limiter: .slidingAligned, requests: 2000, limit: 600),
            offsets: everyOffset,
            knownIssue: slidingSteadyState
        ),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 5000, limit: 600), offsets: every3),
        Sweep(
            scenario: .init(limiter: .slidingAligned, requests: 1000, limit: 1000),
            offsets: everyOffset,
            knownIssue: exactlyTheLimit
        ),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 5000, limit: 1000), offsets: every4),
        Sweep(
            scenario: .init(limiter: .slidingAligned, requests: 300, limit: 100),
            offsets: everyOffset,
            knownIssue: smallLimit
        ),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 100, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 600, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 1000, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 2000, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 5000, limit: 600), offsets: every3),
        Sweep(
            scenario: .init(limiter: .fixedFromFirstCall, requests: 1000, limit: 1000),
            offsets: everyOffset,
            knownIssue: exactlyTheLimit
        ),
        Sweep(
            scenario: .init(limiter: .fixedFromFirstCall, requests: 5000, limit: 1000),
            offsets: every4,
            knownIssue: exactlyTheLimit
        ),
        Sweep(
            scenario: .init(limiter: .fixedFromFirstCall, requests: 300, limit: 100),
            offsets: everyOffset,
            knownIssue: smallLimit
        ),
    ]

    static let every3 = Array(stride(from: 0, to: 60, by: 3))
    static let every4 = Array(stride(from: 1, to: 60, by: 4))

    @Test(arguments: sweeps)
    func everyOffsetFinishesNearTheMinimumWithFew429s(_ sweep: Sweep) {
        var failures: [String] = []
        for offset in sweep.offsets {
            let outcome = PacingModel.run(sweep.scenario, offset: .seconds(offset))
            let bound = outcome.minimum * 1.1 + .seconds(1)
            if outcome.elapsed > bound || outcome.throttled * 100 > outcome.attempts {
                failures.append(
                    "offset \(offset) s: \(PacingModel.format(outcome.elapsed)) vs minimum "
                        + "\(PacingModel.format(outcome.minimum)), \(outcome.throttled) of \(outcome.attempts) 429\n  "
                        + outcome.trace.prefix(40).joined(separator: "\n  ")
                )
            }
        }
        let report: Comment = "\(failures.count) offsets over the bound:\n\(failures.prefix(3).joined(separator: "\n"))"
        if let knownIssue = sweep.knownIssue {
            withKnownIssue(Comment(rawValue: knownIssue)) { #expect(failures.isEmpty, report) }
        } else {
            #expect(failures.isEmpty, report)
        }
    }
}
