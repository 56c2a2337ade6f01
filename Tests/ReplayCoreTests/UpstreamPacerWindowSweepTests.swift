import StraitSimulator
import Testing

@testable import ReplayCore

/// Bulk replays against Strait's per-key limit at every start offset of its window, for bursts of 100 to 5,000,
/// under both window algorithms the pacer must cope with (the simulator's aligned sliding window and the real
/// limiter's fixed window from the first call), with 1, 4, 16 or 64 callers in flight and a 429 costing its replay
/// the full `Retry-After` the engine honours. Deterministic: `PacingModel` runs on virtual time.
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

    /// One caller: there is never a second caller waiting, so the pacer cannot tell a burst that fits the window
    /// from one that overruns it, and spends the window's last unit instead of keeping it to see the window turn;
    /// against a sliding window that turns before the latest bound, the rest waits for that bound.
    static let oneCaller = "one caller keeps no unit back to see a sliding window turn early"
    /// 64 callers: the first 64 calls go before the limit is known and the answers' bounds are loose by the calls
    /// around them, so the spread near the window's end gets few units and sees an early turn late.
    static let manyCallers = "64 callers leave the spread too few units to see a sliding window turn early"
    /// A burst just above the limit: the pacer only sees more demand than the window has left once fewer units
    /// are left than callers, so it has 15 units to spread over up to a minute, and sees the turn seconds late,
    /// which is a large share of a minimum of a few seconds.
    static let justAboveTheLimit = "605 at 600/min: 15 spread units see a sliding window's turn seconds late"

    static let sweeps: [Sweep] = [
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 100, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 600, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 1000, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 1200, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 2000, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 5000, limit: 600), offsets: every3),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 1000, limit: 1000), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 5000, limit: 1000), offsets: every4),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 300, limit: 100), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .slidingAligned, requests: 1000, limit: 600, callers: 4), offsets: everyOffset),
        Sweep(
            scenario: .init(limiter: .slidingAligned, requests: 1000, limit: 600, callers: 1),
            offsets: everyOffset,
            knownIssue: oneCaller
        ),
        Sweep(
            scenario: .init(limiter: .slidingAligned, requests: 1000, limit: 600, callers: 64),
            offsets: everyOffset,
            knownIssue: manyCallers
        ),
        Sweep(
            scenario: .init(limiter: .slidingAligned, requests: 605, limit: 600),
            offsets: everyOffset,
            knownIssue: justAboveTheLimit
        ),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 100, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 600, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 605, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 1000, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 2000, limit: 600), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 5000, limit: 600), offsets: every3),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 1000, limit: 1000), offsets: everyOffset),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 5000, limit: 1000), offsets: every4),
        Sweep(scenario: .init(limiter: .fixedFromFirstCall, requests: 300, limit: 100), offsets: everyOffset),
        Sweep(
            scenario: .init(limiter: .fixedFromFirstCall, requests: 1000, limit: 600, callers: 1),
            offsets: everyOffset
        ),
        Sweep(
            scenario: .init(limiter: .fixedFromFirstCall, requests: 1000, limit: 600, callers: 4),
            offsets: everyOffset
        ),
        Sweep(
            scenario: .init(limiter: .fixedFromFirstCall, requests: 1000, limit: 600, callers: 64),
            offsets: everyOffset
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
