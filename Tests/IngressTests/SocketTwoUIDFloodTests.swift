import Foundation
import Ingress
import Logging
import ReplayCore
import Subprocess
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 11's acceptance, over a real Unix socket and the real pipeline: 150 parallel replays from one uid leave
/// another uid's replay unaffected. User A is this process (root); user B is `nobody`, a `curl` run through
/// `setpriv` in a child process. A's replays are held at the upstream until B's answer is in, so A holds every
/// connection it can for the whole of B's request.
@Suite(.timeLimit(.minutes(10))) struct SocketTwoUIDFloodTests {
    /// `nobody`'s uid, or `nil` when the test cannot act as it (not root, or no such user).
    private static let nobody: uid_t? = {
        guard getuid() == 0, let entry = getpwnam("nobody") else { return nil }
        return entry.pointee.pw_uid
    }()

    @Test(.enabled(if: nobody != nil, "needs root and a `nobody` user"))
    func aHundredAndFiftyParallelReplaysFromOneUIDLeaveAnotherUIDsReplayAlone() async throws {
        let nobody = try #require(Self.nobody)
        let nobodyGroup = getpwuid(nobody)?.pointee.pw_gid ?? 65534
        let gate = CountingUpstreamGate()
        // The defaults of [limits] and [socket], except that A may replay as fast as it likes: only the
        // connection cap stands between A's flood and B.
        var limits = LimitsConfig()
        limits.principalOverrides = ["alice": RateLimit(count: 100_000, per: .seconds(60), burst: 100_000)]
        limits.maxInFlightPerPrincipal = 1000
        let socketDefaults = SocketConfig()
        let mappings = [
            PrincipalConfig(name: "alice", unixUIDs: [getuid()]),
            PrincipalConfig(name: "bob", unixUIDs: [nobody]),
        ]
        let harness = try SocketDoorHarness(
            mappings: mappings,
            policy: GrantPolicy(
                grants: [GrantConfig(name: "everyone-replays", to: ["alice", "bob"], allow: [.replay, .read])],
                principals: mappings,
                runs: nil,
                clock: ManualReplayClock()
            ),
            configure: {
                // The socket (0660) and its directory (0750) belong to nobody's group, so B may connect.
                $0.groupID = nobodyGroup
                $0.http.maxConnections = socketDefaults.maxConnections
                $0.http.maxConnectionsPerClient = socketDefaults.maxConnectionsPerUID
                // Deadlines far off, so that a loaded machine answers 150 heads with the caps, never with 408.
                $0.http.headTimeout = .seconds(3600)
                $0.http.readTimeout = .seconds(3600)
            },
            limits: limits,
            limitsClock: ManualReplayClock(),
            upstream: { url, _ in
                if url.contains("/run_a") { await gate.wait() }
                return SocketDoorHarness.createdRun
            }
        )
        defer { harness.cleanUp() }
        // `nobody` must reach the socket: the test directory is created 0700 by some umasks.
        #expect(chmod(harness.directory, 0o755) == 0)
        await harness.start()
        let socketPath = harness.socketPath
        // The server binds under `umask 0117`, but the umask is the process's: another suite's server starting at
        // the same moment in this test process may restore its own first. The daemon has one socket; here the
        // mode it documents (0660) is set again so the race cannot lock B out.
        #expect(chmod(socketPath, 0o660) == 0)
        let perUID = socketDefaults.maxConnectionsPerUID
        let floodSize = 150

        // A: 150 connections at once, each sending one replay of its own run, each on its own thread.
        let answered = AnswerCount()
        async let flood = withThrowingTaskGroup(of: RawSocketClient.Response.self) { group in
            for index in 0..<floodSize {
                group.addTask {
                    try await RawSocketClient.offload {
                        let response = try RawSocketClient.blockingRequest(
                            path: socketPath,
                            "POST",
                            "/v1/runs/run_a\(index)/replay"
                        )
                        answered.increment()
                        return response
                    }
                }
            }
            var responses: [RawSocketClient.Response] = []
            for try await response in group { responses.append(response) }
            return responses
        }
        // Wait (a hang guard, not an assertion) until A holds its whole share at the upstream and every other
        // connection of A's was answered: from here to the release, A holds every slot it can get.
        await gate.waitUntilHeld(perUID)
        let refusedEarly = try await Self.eventually { answered.value >= floodSize - perUID }
        #expect(refusedEarly, "A's connections over its share were not all answered")
        #expect(harness.server.connectionCount == perUID)

        // B, as nobody, through curl.
        let bob = try await Subprocess.run(
            .path("/usr/bin/setpriv"),
            arguments: [
                "--reuid=\(nobody)", "--regid=\(nobodyGroup)", "--clear-groups", "--",
                "/usr/bin/curl", "-sS", "-i", "--max-time", "600", "--unix-socket", socketPath,
                "-X", "POST", "http://localhost/v1/runs/run_b/replay",
            ],
            input: .none,
            output: .string(limit: 1 << 20),
            error: .string(limit: 64 * 1024)
        )
        gate.open()
        let responses = try await flood

        #expect(bob.terminationStatus.isSuccess, "curl as nobody failed: \(bob.standardError)")
        let bobHead = bob.standardOutput.components(separatedBy: "\r\n\r\n").first ?? ""
        let bobStatus = Int(bobHead.split(separator: " ").dropFirst().first ?? "") ?? 0
        #expect((200..<300).contains(bobStatus), "B got \(bobStatus): \(bob.standardOutput)")
        let bobFields = Self.fields(bobHead)

        // A: its share replayed; every other connection refused at once with 503, Retry-After and the fields.
        let created = responses.filter { $0.status == 201 }
        let refused = responses.filter { $0.status == 503 }
        #expect(responses.count == floodSize)
        #expect(created.count == perUID)
        #expect(refused.count == floodSize - perUID)
        #expect(refused.allSatisfy { $0.errorCode == "too_many_connections" })
        #expect(refused.allSatisfy { $0.headers["retry-after"] == "1" })
        #expect(refused.first?.errorMessage?.contains("\(perUID) connections") == true)
        #expect(gate.heldCount == perUID)

        // Every answer's fields parse with http_sfv and name the policies that applied.
        var values: [String] = [bobFields["ratelimit-policy"] ?? "", bobFields["ratelimit"] ?? ""]
        for response in created + refused {
            values += [response.headers["ratelimit-policy"] ?? "", response.headers["ratelimit"] ?? ""]
        }
        let parsed = try await StructuredFieldsOracle.parseLists(values)
        #expect(parsed[0]?.map(\.name) == ["principal", "source", "run", "global"], "B: \(values[0])")
        #expect(parsed[1]?.map(\.name) == ["principal", "source", "run", "global"], "B: \(values[1])")
        for (offset, response) in (created + refused).enumerated() {
            let expected =
                response.status == 201 ? ["principal", "source", "run", "global"] : ["principal", "source", "global"]
            #expect(parsed[2 + 2 * offset]?.map(\.name) == expected, "\(response.status): \(values[2 + 2 * offset])")
            #expect(parsed[3 + 2 * offset]?.map(\.name) == expected, "\(response.status): \(values[3 + 2 * offset])")
        }
        try await harness.stop()
    }

    /// Polls `condition` until it holds, for at most three minutes (a hang guard).
    private static func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// A head's fields, names lowercased.
    private static func fields(_ head: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }
}

/// How many of a flood's requests were answered so far.
final class AnswerCount: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// Holds every upstream call that reaches it until ``open()``, and counts them, so a test knows when a given
/// number of replays are in progress.
final class CountingUpstreamGate: Sendable {
    private struct State {
        var open = false
        var held: [CheckedContinuation<Void, Never>] = []
        var count = 0
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    /// Waits until ``open()``.
    func wait() async {
        await withCheckedContinuation { continuation in
            let (resumeNow, ready) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                state.count += 1
                let count = state.count
                let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
                state.waiters.removeAll { $0.count <= count }
                if state.open { return (true, ready) }
                state.held.append(continuation)
                return (false, ready)
            }
            for waiter in ready { waiter.resume() }
            if resumeNow { continuation.resume() }
        }
    }

    /// Returns once `count` calls have reached the gate.
    func waitUntilHeld(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let reached = state.withLock { state -> Bool in
                if state.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if reached { continuation.resume() }
        }
    }

    /// Calls that reached the gate so far.
    var heldCount: Int { state.withLock { $0.count } }

    /// Lets every held call, and every later one, through.
    func open() {
        let held = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }
}
