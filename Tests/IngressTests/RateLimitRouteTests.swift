import Foundation
import Ingress
import Logging
import NIOHTTP1
import ReplayCore
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The rate-limit stage through the socket door: 429 with `Retry-After` and the envelope, the IETF fields on
/// every answer (read back with an independent RFC 9651 reader), and one user's flood leaving another's replay
/// alone.
@Suite struct RateLimitRouteTests {
    /// Replays: 30 per minute, burst 5 per principal (2 s each); reads: 1 per second, burst 3.
    private static let limits = LimitsConfig(
        perPrincipal: RateLimit(count: 30, per: .seconds(60), burst: 5),
        perSource: RateLimit(count: 120, per: .seconds(60), burst: 30),
        perRun: nil,
        global: RateLimit(count: 100, per: .seconds(1), burst: 100),
        readsPerPrincipal: RateLimit(count: 1, per: .seconds(1), burst: 3)
    )

    private static func principal(_ name: String, uid: UInt32) -> Principal {
        Principal(
            name: name,
            authentication: .unixPeer(PeerCredentials(uid: uid, gid: uid, pid: 1), matchedBy: "uid \(uid)")
        )
    }

    private static func replayRequest(_ principal: Principal, run: String, id: Int) -> GatewayRequest {
        let peer: PeerCredentials
        if case .unixPeer(let credentials, _) = principal.authentication {
            peer = credentials
        } else {
            peer = PeerCredentials(uid: 0, gid: 0, pid: 0)
        }
        return GatewayRequest(
            method: "POST",
            path: "/v1/runs/\(run)/replay",
            query: [],
            headers: HTTPHeaders(),
            body: [],
            peer: peer,
            principal: principal,
            requestID: "req_\(principal.name)_\(id)"
        )
    }

    private static func members(_ value: String?) throws -> [StructuredFieldListReader.Member] {
        try StructuredFieldListReader.parse(try #require(value))
    }

    @Test func theBurstPassesThenA429WithRetryAfterAndThePeriodLetsOneAgain() async throws {
        let clock = ManualReplayClock()
        let harness = try SocketDoorHarness(limits: Self.limits, limitsClock: clock)
        defer { harness.cleanUp() }
        await harness.start()
        for index in 0..<5 {
            let response = try await RawSocketClient.request(
                path: harness.socketPath,
                "POST",
                "/v1/runs/run_\(index)/replay"
            )
            #expect(response.status == 201, "replay \(index)")
            let state = try Self.members(response.headers["ratelimit"])
            #expect(state.first?.item == .string("principal"))
            #expect(state.first?.parameter("r") == .integer(Int64(4 - index)))
        }
        let refused = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/run_5/replay")
        #expect(refused.status == 429)
        #expect(refused.errorCode == "rate_limited")
        #expect(refused.headers["retry-after"] == "2")
        #expect(refused.json?["request_id"] as? String != nil)
        #expect(refused.errorMessage?.contains("try again in 2 s") == true)
        let policy = try Self.members(refused.headers["ratelimit-policy"])
        #expect(policy.first?.item == .string("principal"))
        #expect(policy.first?.parameter("q") == .integer(30))
        #expect(policy.first?.parameter("w") == .integer(60))
        let state = try Self.members(refused.headers["ratelimit"])
        #expect(state.first?.parameter("r") == .integer(0))
        #expect(harness.upstreamURLs.count == 5)

        clock.advance(by: .seconds(2))
        let again = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/run_6/replay")
        #expect(again.status == 201)
        #expect(harness.upstreamURLs.count == 6)
        try await harness.stop()
    }

    @Test func everyAuthenticatedAnswerCarriesTheFieldsAndReadsAreLimitedToo() async throws {
        let clock = ManualReplayClock()
        let harness = try SocketDoorHarness(limits: Self.limits, limitsClock: clock)
        defer { harness.cleanUp() }
        await harness.start()
        var answers: [RawSocketClient.Response] = []
        for _ in 0..<4 {
            answers.append(try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/gateway/status"))
        }
        #expect(answers.map(\.status) == [200, 200, 200, 429])
        for (index, answer) in answers.enumerated() {
            let policy = try Self.members(answer.headers["ratelimit-policy"])
            #expect(policy.count == 1)
            #expect(policy.first?.item == .string("reads"))
            #expect(policy.first?.parameter("q") == .integer(1))
            #expect(policy.first?.parameter("w") == .integer(1))
            let state = try Self.members(answer.headers["ratelimit"])
            #expect(state.first?.parameter("r") == .integer(Int64(max(0, 2 - index))))
            #expect(state.first?.parameter("t") != nil)
        }
        #expect(answers[3].headers["retry-after"] == "1")
        #expect(answers[3].errorCode == "rate_limited")
        // A replay is a separate quota, with every policy it passed in order.
        let replay = try await RawSocketClient.request(path: harness.socketPath, "POST", "/v1/runs/r/replay")
        #expect(replay.status == 201)
        let names = try Self.members(replay.headers["ratelimit-policy"]).map(\.item)
        #expect(names == [.string("principal"), .string("source"), .string("global")])
        #expect(try Self.members(replay.headers["ratelimit"]).count == 3)
        try await harness.stop()
    }

    @Test func aHundredAndFiftyParallelReplaysFromOneUserLeaveAnothersReplayAlone() async throws {
        let harness = try SocketDoorHarness(limits: Self.limits, limitsClock: ManualReplayClock())
        defer { harness.cleanUp() }
        await harness.start()
        let router = harness.router
        let alice = Self.principal("alice", uid: 61_000)
        let bob = Self.principal("bob", uid: 61_001)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let quiet = logger
        let (flood, bobStatus) = await withTaskGroup(of: (String, Int, String?).self) { group in
            for index in 0..<150 {
                group.addTask {
                    let response = await router.handle(
                        Self.replayRequest(alice, run: "run_a\(index)", id: index),
                        logger: quiet
                    )
                    return ("alice", response.status, response.headers.first(name: "Retry-After"))
                }
                if index == 75 {
                    group.addTask {
                        let response = await router.handle(Self.replayRequest(bob, run: "run_b", id: 0), logger: quiet)
                        return ("bob", response.status, nil)
                    }
                }
            }
            var flood: [(Int, String?)] = []
            var bobStatus: Int?
            for await (who, status, retryAfter) in group {
                if who == "bob" { bobStatus = status } else { flood.append((status, retryAfter)) }
            }
            return (flood, bobStatus)
        }
        #expect(bobStatus == 201)
        #expect(flood.count == 150)
        #expect(flood.filter { $0.0 == 201 }.count == 5)
        #expect(flood.filter { $0.0 == 429 }.count == 145)
        #expect(flood.filter { $0.0 == 429 }.allSatisfy { $0.1 != nil })
        #expect(!flood.contains { $0.0 == 503 })
        try await harness.stop()
    }

    @Test func jsonRPCReplaysBeyondTheBurstAreRateLimitedWithRetryAfterInData() async throws {
        let harness = try SocketDoorHarness(limits: Self.limits, limitsClock: ManualReplayClock())
        defer { harness.cleanUp() }
        await harness.start()
        let calls = (0..<6).map { index in
            #"{"jsonrpc":"2.0","id":\#(index),"method":"runs.replay","params":{"run_id":"run_rpc_\#(index)"}}"#
        }
        let body = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/rpc",
            headers: ["Content-Type": "application/json"],
            body: "[" + calls.joined(separator: ",") + "]"
        )
        #expect(body.status == 200)
        // The HTTP request is one read; the answer carries the reads policy.
        #expect(try Self.members(body.headers["ratelimit-policy"]).first?.item == .string("reads"))
        let answers = try #require(try JSONSerialization.jsonObject(with: Data(body.body)) as? [[String: Any]])
        let errors = answers.compactMap { $0["error"] as? [String: Any] }
        #expect(answers.count == 6)
        #expect(errors.count == 1)
        #expect((errors.first?["code"] as? NSNumber)?.intValue == -32009)
        let data = errors.first?["data"] as? [String: Any]
        #expect(data?["code"] as? String == "rate_limited")
        #expect((data?["retry_after"] as? NSNumber)?.intValue == 2)
        #expect((data?["status"] as? NSNumber)?.intValue == 429)
        try await harness.stop()
    }

    @Test func theInFlightCapRefusesOnePrincipalsExtraReplaysButNotAnothers() async throws {
        var limits = LimitsConfig.unlimited
        limits.maxInFlightPerPrincipal = 1
        let gate = UpstreamGate()
        let harness = try SocketDoorHarness(
            limits: limits,
            limitsClock: ManualReplayClock(),
            upstream: { url, _ in
                if url.contains("run_slow") { await gate.wait() }
                return SocketDoorHarness.createdRun
            }
        )
        defer { harness.cleanUp() }
        await harness.start()
        let router = harness.router
        let alice = Self.principal("alice", uid: 61_000)
        let bob = Self.principal("bob", uid: 61_001)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let quiet = logger
        let slow = Task { await router.handle(Self.replayRequest(alice, run: "run_slow", id: 0), logger: quiet) }
        await gate.waitUntilEntered()
        let second = await router.handle(Self.replayRequest(alice, run: "run_2", id: 1), logger: quiet)
        #expect(second.status == 429)
        #expect(second.headers.first(name: "Retry-After") == "1")
        let other = await router.handle(Self.replayRequest(bob, run: "run_3", id: 2), logger: quiet)
        #expect(other.status == 201)
        gate.open()
        #expect(await slow.value.status == 201)
        let third = await router.handle(Self.replayRequest(alice, run: "run_4", id: 3), logger: quiet)
        #expect(third.status == 201)
        try await harness.stop()
    }
}

/// Holds the scripted upstream's answer for a run until the test opens it, without blocking a thread.
final class UpstreamGate: Sendable {
    private struct State {
        var open = false
        var entered = false
        var held: [CheckedContinuation<Void, Never>] = []
        var enteredWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Waits until `open()`, noting that a request is held.
    func wait() async {
        await withCheckedContinuation { continuation in
            let (resumeNow, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                state.entered = true
                let waiters = state.enteredWaiters
                state.enteredWaiters = []
                if state.open { return (true, waiters) }
                state.held.append(continuation)
                return (false, waiters)
            }
            for waiter in waiters { waiter.resume() }
            if resumeNow { continuation.resume() }
        }
    }

    /// Returns once a request is held at the gate.
    func waitUntilEntered() async {
        await withCheckedContinuation { continuation in
            let entered = state.withLock { state -> Bool in
                if state.entered { return true }
                state.enteredWaiters.append(continuation)
                return false
            }
            if entered { continuation.resume() }
        }
    }

    /// Lets every held request, and every later one, through.
    func open() {
        let held = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.held = [] }
            return state.held
        }
        for continuation in held { continuation.resume() }
    }
}
