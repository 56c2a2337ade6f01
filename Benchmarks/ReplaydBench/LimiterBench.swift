import ArgumentParser
import Foundation
import ReplayCore
import Synchronization

/// Nanoseconds per rate-limit check, in process: a replay checked against the per-principal, per-source,
/// per-run and global limits (four GCRA updates) and a read against the reads limit, with `principals` keys
/// loaded, from one thread and from several at once.
struct LimiterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limiter",
        abstract: "Cost of the rate-limit stage per request (ns), with many principals loaded."
    )

    @Option(help: "Distinct principals loaded before timing.") var principals = 10_000
    @Option(help: "Timed checks per thread.") var checks = 2_000_000
    @Option(help: "Threads checking at once in the second round.") var threads = 2

    func run() throws {
        let limits = LimitsConfig(
            perPrincipal: RateLimit(count: 1_000_000, per: .seconds(1), burst: 1_000_000),
            perSource: RateLimit(count: 1_000_000, per: .seconds(1), burst: 1_000_000),
            perRun: RateLimit(count: 1_000_000, per: .seconds(1), burst: 1_000_000),
            global: RateLimit(count: 1_000_000_000, per: .seconds(1), burst: 1_000_000_000),
            readsPerPrincipal: RateLimit(count: 1_000_000, per: .seconds(1), burst: 1_000_000),
            maxKeys: max(10_000, 2 * principals)
        )
        let limiter = RateLimiter(configuration: limits, clock: SystemReplayClock())
        let subjects = (0..<principals).map { index in
            RateLimitSubject(
                kind: .replay,
                principal: "principal-\(index)",
                source: "socket/uid:\(10_000 + index)",
                runID: "run_\(index % 97)"
            )
        }
        for subject in subjects { _ = limiter.check(subject) }
        let reads = subjects.map { RateLimitSubject(kind: .read, principal: $0.principal, source: $0.source) }
        print("limiter: \(principals) principals loaded, tracked \(limiter.trackedKeys)")
        for (name, list) in [("replay (4 limits)", subjects), ("read (1 limit)", reads)] {
            let single = Self.measure(limiter, list, checks: checks, threads: 1)
            let parallel = Self.measure(limiter, list, checks: checks, threads: threads)
            let label = name.padding(toLength: 18, withPad: " ", startingAt: 0)
            print(
                "  \(label) 1 thread: " + String(format: "%.1f", single.perCheck) + " ns/check; \(threads) threads: "
                    + String(format: "%.1f", parallel.perCheck) + " ns/check each, "
                    + String(format: "%.1f", parallel.wallPerCheck) + " ns of wall time per check"
            )
        }
    }

    /// Runs `checks` checks on each of `threads` dedicated threads (this command is synchronous, on the main
    /// thread, so waiting for them blocks no cooperative thread); returns ns per check per thread, and wall ns per check.
    static func measure(
        _ limiter: RateLimiter,
        _ subjects: [RateLimitSubject],
        checks: Int,
        threads: Int
    ) -> (perCheck: Double, wallPerCheck: Double) {
        let group = DispatchGroup()
        let started = ContinuousClock.now
        let results = LockedDurations()
        for thread in 0..<threads {
            group.enter()
            let worker = Thread {
                let clock = ContinuousClock()
                let begin = clock.now
                var refused = 0
                var index = thread * 7919
                for _ in 0..<checks {
                    index = (index &+ 1) % subjects.count
                    if !limiter.check(subjects[index]).allowed { refused += 1 }
                }
                results.append(begin.duration(to: clock.now))
                if refused > 0 { print("  (\(refused) refused)") }
                group.leave()
            }
            worker.start()
        }
        group.wait()
        let wall = started.duration(to: .now)
        let perThread = results.all.map {
            Double($0.components.attoseconds) / 1e9 + Double($0.components.seconds) * 1e9
        }
        let average = perThread.reduce(0, +) / Double(max(1, perThread.count)) / Double(checks)
        let wallNanos = Double(wall.components.seconds) * 1e9 + Double(wall.components.attoseconds) / 1e9
        return (average, wallNanos / Double(checks * threads))
    }
}

/// Durations appended from several threads.
final class LockedDurations: Sendable {
    private let values = Mutex<[Duration]>([])

    func append(_ value: Duration) { values.withLock { $0.append(value) } }

    var all: [Duration] { values.withLock { $0 } }
}
