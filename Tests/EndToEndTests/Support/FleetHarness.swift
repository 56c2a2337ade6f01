import Curl
import Foundation
import Logging
import PostgresTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fleet for one test: one simulator and N real `replayd serve` processes on one PostgreSQL database of their
/// own (on the test process's throwaway cluster, ``PostgresTestCluster``), migrated first with `replayd state
/// migrate`. Every member is an ``EndToEndHarness`` with its own directory (state, audit log and keys, socket,
/// logs), a distinct `[state] instance_id` (`gw-a`, `gw-b`, …) and `lease_ttl = "3s"`, and all point at the
/// simulator of the first member.
final class FleetHarness: @unchecked Sendable {
    /// The environment variable the daemons read the database URL from (`[state] url_env`).
    static let urlVariable = "REPLAYD_STATE_URL"
    /// The shortest lease replayd allows: failover in seconds.
    static let leaseTTL = "3s"

    let members: [EndToEndHarness]
    let instanceIDs: [String]
    let database: PostgresTestCluster.Database

    private init(members: [EndToEndHarness], instanceIDs: [String], database: PostgresTestCluster.Database) {
        self.members = members
        self.instanceIDs = instanceIDs
        self.database = database
    }

    /// The member that runs the simulator; its simulator helpers (`simulatorJSON`, …) are the fleet's.
    var simulator: EndToEndHarness { members[0] }

    /// Runs `body` against a fresh fleet of `count` daemons, then stops them (resuming any the test stopped with
    /// SIGSTOP) and the simulator, and drops the database, also when `body` throws; on failure every daemon's log
    /// tail is attached to the test.
    ///
    /// - Parameters:
    ///   - failedRunIDs: failed, replayable runs added to the simulator's bundled fixtures.
    ///   - faults: the simulator's fault plan at start (rules as `/_sim/faults` takes them).
    ///   - simulatorArguments: extra `replayd simulate` arguments.
    ///   - webhooks: `[webhooks]` and `[[sources]]` (and their principals) for every member.
    ///   - environment: extra environment of every daemon (webhook secrets).
    static func withFleet(
        count: Int = 2,
        failedRunIDs: [String] = [],
        faults: [[String: String]] = [],
        simulatorArguments: [String] = [],
        attemptTimeout: String = "5s",
        replays: String = "",
        webhooks: String = "",
        grants: String = EndToEndHarness.testerGrant,
        environment: [String: String] = [:],
        _ body: (FleetHarness) async throws -> Void
    ) async throws {
        let database = try await PostgresTestCluster.shared.newDatabase()
        let members = try (0..<count).map { _ in try EndToEndHarness() }
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let fleet = FleetHarness(
            members: members,
            instanceIDs: (0..<count).map { "gw-\(letters[$0 % letters.count])" },
            database: database
        )
        do {
            try await fleet.start(
                failedRunIDs: failedRunIDs,
                faults: faults,
                simulatorArguments: simulatorArguments,
                attemptTimeout: attemptTimeout,
                replays: replays,
                webhooks: webhooks,
                grants: grants,
                environment: environment
            )
            try await body(fleet)
        } catch {
            await fleet.stop()
            for (member, id) in zip(members, fleet.instanceIDs) where member.daemon != nil {
                Issue.record("\(id) stderr:\n\(member.daemon?.stderr.suffix(4000) ?? "")")
            }
            throw error
        }
        await fleet.stop()
        for member in members { member.cleanUp() }
    }

    private func start(
        failedRunIDs: [String],
        faults: [[String: String]],
        simulatorArguments: [String],
        attemptTimeout: String,
        replays: String,
        webhooks: String,
        grants: String,
        environment: [String: String]
    ) async throws {
        var arguments = simulatorArguments
        if !failedRunIDs.isEmpty {
            arguments += ["--fixtures", try simulator.writeFixtures(failedRunIDs: failedRunIDs)]
        }
        if !faults.isEmpty {
            let path = simulator.directory + "/faults.json"
            try JSONSerialization.data(withJSONObject: ["faults": faults]).write(to: URL(fileURLWithPath: path))
            arguments += ["--faults", path]
        }
        try await simulator.startSimulator(extraArguments: arguments)
        for (member, id) in zip(members, instanceIDs) {
            try member.writeConfig(
                upstream: simulator.simulatorURL,
                replays: replays,
                state: """
                    backend = "postgres"
                    url_env = "\(Self.urlVariable)"
                    instance_id = "\(id)"
                    lease_ttl = "\(Self.leaseTTL)"
                    """,
                attemptTimeout: attemptTimeout,
                webhooks: webhooks,
                grants: grants
            )
        }
        // `state migrate` reads the whole config, as `serve` does: it needs the same environment.
        let daemonEnvironment = environment.merging([Self.urlVariable: database.url]) { $1 }
        let migrated = try await simulator.replayd(
            ["state", "migrate", "--config", simulator.configPath],
            environment: daemonEnvironment.merging(["STRAIT_API_KEY": EndToEndHarness.demoKey]) { $1 }
        )
        guard migrated.status == 0 else {
            throw HarnessError("replayd state migrate failed (\(migrated.status)): \(migrated.stderr)")
        }
        for member in members {
            try await member.startDaemon(environment: daemonEnvironment)
        }
    }

    /// Stops every daemon (SIGCONT first, for one a test left stopped) and the simulator, then drops the database.
    func stop() async {
        for member in members {
            if let daemon = member.daemon, daemon.isRunning { kill(daemon.pid, SIGCONT) }
        }
        for member in members {
            if let daemon = member.daemon { _ = await daemon.stop() }
        }
        await simulator.stop()
        do {
            try await PostgresTestCluster.shared.drop(database)
        } catch {
            Issue.record("could not drop the test database \(database.name): \(error)")
        }
    }

    /// Sends `signal` to member `index`'s daemon.
    func signal(_ index: Int, _ signal: Int32) throws {
        guard let daemon = members[index].daemon, daemon.isRunning else {
            throw HarnessError("\(instanceIDs[index]) is not running")
        }
        guard kill(daemon.pid, signal) == 0 else { throw HarnessError("kill \(signal) failed: errno \(errno)") }
    }

    /// Member `index`'s audit directory and key, as `replayd audit verify` takes them.
    func auditDirectory(_ index: Int) -> String { members[index].directory + "/state/audit" }
    func auditKey(_ index: Int) -> String { members[index].directory + "/state/audit.key" }

    /// Every record of member `index`'s audit log, in order (`replayd audit tail --dir … -o json`).
    func auditRecords(_ index: Int) async throws -> [[String: Any]] {
        let tail = try await simulator.replayd(["audit", "tail", "--dir", auditDirectory(index), "-o", "json"])
        guard tail.status == 0 else { throw HarnessError("audit tail failed: \(tail.stderr)") }
        return tail.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// Member `index`'s audit records of `stage` (`lease_takeover`, `lease_lost`, …), polled until there are at
    /// least `atLeast` (or the hang guard passes).
    func auditRecords(_ index: Int, stage: String, atLeast: Int = 1) async throws -> [[String: Any]] {
        var found: [[String: Any]] = []
        _ = try await simulator.eventually {
            found = try await auditRecords(index).filter { $0["stage"] as? String == stage }
            return found.count >= atLeast
        }
        return found
    }

    /// `replayd audit verify` over every member's audit directory, with every member's key.
    func verifyAudit() async throws -> CommandResult {
        var arguments = ["audit", "verify"]
        for index in members.indices { arguments += ["--dir", auditDirectory(index)] }
        for index in members.indices { arguments += ["--key", auditKey(index)] }
        return try await simulator.replayd(arguments)
    }

    /// Runs `body` for every id, `width` at a time, and returns the results by id.
    static func map<Result: Sendable>(
        _ ids: [String],
        width: Int = 16,
        _ body: @escaping @Sendable (String) async throws -> Result
    ) async throws -> [String: Result] {
        try await withThrowingTaskGroup(of: (String, Result).self) { group in
            var pending = ids.makeIterator()
            for _ in 0..<width {
                if let id = pending.next() { group.addTask { (id, try await body(id)) } }
            }
            var results: [String: Result] = [:]
            for try await result in group {
                results[result.0] = result.1
                if let id = pending.next() { group.addTask { (id, try await body(id)) } }
            }
            return results
        }
    }

    /// Runs `body` with a client for the daemons' sockets whose only timeouts are hang guards of 10 minutes (a
    /// stopped daemon, or one waiting for a lease to expire, sends nothing for seconds), and shuts it down after.
    static func withClient<Result>(_ body: (CurlClient) async throws -> Result) async throws -> Result {
        try await EndToEndHarness.withClient(totalTimeout: .seconds(600), body)
    }

    /// `POST /v1/runs/{runID}/replay` with `key` over member `index`'s socket, through `client`, asked again after
    /// a 409 (the key is in flight), a 503 (the replay is driven by another instance, or too many connections)
    /// or a 202 (the outcome is pending), after a delay that doubles from 25 ms to 0.8 s, until it has a final
    /// answer. A request the daemon never answers (it is
    /// stopped or killed) throws; curl gives up after 10 minutes, a hang guard.
    func replay(
        _ runID: String,
        key: String,
        on index: Int,
        client: CurlClient
    ) async throws -> FleetAnswer {
        let request = HTTPRequest(
            method: "POST",
            url: "http://localhost/v1/runs/\(runID)/replay",
            headers: ["Idempotency-Key": key],
            unixSocketPath: members[index].socketPath
        )
        let deadline = ContinuousClock.now + EndToEndHarness.hangGuard
        var delay = Duration.milliseconds(25)
        while true {
            let response = try await client.send(request)
            let answer = FleetAnswer(status: response.status, body: String(decoding: response.body, as: UTF8.self))
            guard [409, 503, 202].contains(response.status), ContinuousClock.now < deadline else { return answer }
            // Each repeat is a claim and an audit record on the daemon: back off, as replayctl does.
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(800))
        }
    }
}

/// One answer to a replay from a member of the fleet.
struct FleetAnswer: Sendable, Equatable {
    var status: Int
    var body: String

    /// The run the answer names (`id` of the run object), if any.
    var runID: String? {
        ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any])?["id"] as? String
    }
}
