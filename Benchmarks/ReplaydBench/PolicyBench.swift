import ArgumentParser
import Foundation
import ReplayCore
import Strait

/// The grants policy's cost per request, in process: 10,000 principals and 1,000 grants loaded (by default), each
/// principal in two of 100 groups. Measures `decide` (allowed at the first grant, allowed after a scan, denied
/// after scanning every grant of the principal), a replay's full `authorize` with a project-scoped grant whose
/// run lookup is cached, and the time to compile the grants at load.
struct PolicyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Cost of the [[grants]] policy per request (ns), with many principals and grants loaded."
    )

    @Option(help: "Principals loaded.") var principals = 10_000
    @Option(help: "Grants loaded.") var grants = 1_000
    @Option(help: "Groups the grants are spread over (each principal is in two).") var groups = 100
    @Option(help: "Measured decisions per case.") var iterations = 1_000_000

    /// A run lookup that always answers from memory, as a warm cache does.
    struct CachedLookup: RunLookup {
        func facts(of runID: RunID, requestID: String) async throws(ReplayError) -> RunLookupResult {
            RunLookupResult(facts: RunFacts(projectID: "proj_7", jobID: "job_1"), cached: true)
        }
    }

    func run() async throws {
        let principalConfigs = (0..<principals).map { index in
            PrincipalConfig(
                name: "user\(index)",
                unixUIDs: [UInt32(10_000 + index)],
                groups: ["group\(index % groups)", "group\((index / groups) % groups)"]
            )
        }
        // Each grant is to one group; most allow reading, some replays in one project, one per group replays
        // anywhere (the last grant of its group, so an allowed replay scans the others first).
        var grantConfigs: [GrantConfig] = []
        for index in 0..<grants {
            let group = "group\(index % groups)"
            let last = index >= grants - groups
            grantConfigs.append(
                GrantConfig(
                    name: "grant\(index)",
                    to: ["group:\(group)"],
                    allow: last ? [.replay, .force] : (index % 3 == 0 ? [.replay] : [.read]),
                    projects: last ? nil : (index % 3 == 0 ? ["proj_\(index % 50)"] : nil),
                    doors: index % 5 == 0 ? [.socket, .rpc] : nil
                )
            )
        }
        let clock = SystemReplayClock()
        let buildStart = ContinuousClock.now
        let policy = GrantPolicy(
            grants: grantConfigs,
            principals: principalConfigs,
            runs: CachedLookup(),
            clock: clock
        )
        let buildTime = buildStart.duration(to: .now)
        let names = principalConfigs.map(\.name)
        let perPrincipal = names.prefix(100).map { policy.grantCount(for: $0) }
        let now = clock.wallNowMilliseconds()
        let run = RunFacts(projectID: "proj_7", jobID: "job_1")

        func measure(_ label: String, _ query: PolicyQuery) -> (String, Double, Int) {
            var allowed = 0
            let start = ContinuousClock.now
            for index in 0..<iterations {
                if policy.decide(names[index % names.count], query).outcome == .allowed { allowed += 1 }
            }
            let elapsed = start.duration(to: .now)
            return (label, Self.nanoseconds(elapsed) / Double(iterations), allowed)
        }
        var rows = [
            measure(
                "decide: read, allowed (first matching grant)",
                PolicyQuery(actions: [.read], door: .socket, now: now)
            ),
            measure(
                "decide: replay + force, allowed after a scan (run known)",
                PolicyQuery(actions: [.replay, .force], door: .socket, run: run, now: now)
            ),
            measure(
                "decide: audit_read, denied (every grant of the principal scanned)",
                PolicyQuery(actions: [.auditRead], door: .socket, now: now)
            ),
        ]
        let request = ReplayRequest(runID: try RunID("run_1"), origin: RequestOrigin(door: .socket, requestID: "r"))
        var allowed = 0
        let start = ContinuousClock.now
        for index in 0..<iterations {
            let principal = Principal(
                name: names[index % names.count],
                authentication: .unixPeer(PeerCredentials(uid: 1, gid: 1, pid: 1), matchedBy: "bench")
            )
            if (try? await policy.authorize(principal, request)) != nil { allowed += 1 }
        }
        rows.append(
            (
                "authorize: a replay, cached run lookup, full path",
                Self.nanoseconds(start.duration(to: .now)) / Double(iterations), allowed
            )
        )

        print("Grants policy: \(principals) principals, \(grants) grants over \(groups) groups")
        print(
            "compiled in \(String(format: "%.1f", Self.nanoseconds(buildTime) / 1e6)) ms; grants per principal "
                + "\(perPrincipal.min() ?? 0)-\(perPrincipal.max() ?? 0)\n"
        )
        print("| case | ns per request | allowed |")
        print("|---|---|---|")
        for (label, nanoseconds, allowed) in rows {
            print("| \(label) | \(String(format: "%.0f", nanoseconds)) | \(allowed)/\(iterations) |")
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }
}
