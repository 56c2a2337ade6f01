import Foundation
import HTTPServer
import Logging
import NIOPosix
import ReplayCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import Ingress

/// Issue 11: every answer of every HTTP door carries `RateLimit-Policy` and `RateLimit`, the early answers the
/// core and the doors give before a limit is checked included. Each door gets a table of its early answers and
/// read routes over real connections; every value is read back with Python's `http_sfv`.
///
/// What the fields name: an answer checked against limits names those (a replay: `principal`, `source`, `run`,
/// `global`; a read: `reads`); any other answer names the replay limits as they stand for what the door knows of
/// the caller, peeked without charging.
@Suite(.timeLimit(.minutes(10))) struct RateLimitFieldsEveryAnswerTests {
    /// One answer of a table and the policies its fields must name, in order (none: no field at all).
    struct Row {
        var label: String
        var response: RawSocketClient.Response
        var status: Int
        var policies: [String]
    }

    private static let known = ["principal", "source", "global"]

    /// Checks each row: the status, both fields present (or both absent), parsed by `http_sfv` as Lists whose
    /// members name the same policies in the same order, `q` and `w` on each policy, `r` and `t` on each state.
    static func check(_ rows: [Row]) async throws {
        var values: [String] = []
        for row in rows {
            let body = String(decoding: row.response.body, as: UTF8.self)
            #expect(row.response.status == row.status, "\(row.label): \(row.response.status) \(body)")
            if row.policies.isEmpty {
                #expect(row.response.headers["ratelimit-policy"] == nil, "\(row.label)")
                #expect(row.response.headers["ratelimit"] == nil, "\(row.label)")
            }
            values.append(row.response.headers["ratelimit-policy"] ?? "")
            values.append(row.response.headers["ratelimit"] ?? "")
        }
        let parsed = try await StructuredFieldsOracle.parseLists(values)
        #expect(parsed.count == values.count)
        for (index, row) in rows.enumerated() where !row.policies.isEmpty {
            let policy = parsed[2 * index]
            let state = parsed[2 * index + 1]
            #expect(policy?.map(\.name) == row.policies, "\(row.label): RateLimit-Policy: \(values[2 * index])")
            #expect(state?.map(\.name) == row.policies, "\(row.label): RateLimit: \(values[2 * index + 1])")
            for member in policy ?? [] {
                #expect(member.keys == ["q", "w"], "\(row.label): \(values[2 * index])")
                #expect((member.parameters["q"] ?? 0) >= 1 && (member.parameters["w"] ?? 0) >= 1)
            }
            for member in state ?? [] {
                #expect(member.keys == ["r", "t"], "\(row.label): \(values[2 * index + 1])")
                #expect((member.parameters["r"] ?? -1) >= 0 && (member.parameters["t"] ?? -1) >= 0)
            }
        }
    }

    /// Sends `raw` on a new connection to the socket at `path` and reads one answer, off the cooperative pool.
    static func exchange(socket path: String, _ raw: String) async throws -> RawSocketClient.Response {
        try await RawSocketClient.offload {
            let client = try RawSocketClient(path: path)
            try client.send(raw)
            return try client.readResponse()
        }
    }

    /// Sends `raw` on a new connection to `127.0.0.1:port` and reads one answer, off the cooperative pool.
    static func exchange(port: Int, _ raw: String) async throws -> RawSocketClient.Response {
        try await RawSocketClient.offload {
            let client = try RawSocketClient(tcpPort: port)
            try client.send(raw)
            return try client.readResponse()
        }
    }

    static func get(_ path: String) -> String { "GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n" }
    static let malformed = "GET /v1/_ping HTTP/1.1\r\nHost: x\r\nthis line has no colon\r\n\r\n"
    static let oversizedHead =
        "GET /v1/_ping HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 17 * 1024))\r\n\r\n"

    /// Sends a head one byte at a time until the server answers (the head deadline, 300 ms in these tests).
    static func trickle(_ client: RawSocketClient, _ start: String) throws -> RawSocketClient.Response {
        try client.send(start)
        // A byte each time 20 ms pass without an answer; the count is a hang guard of minutes, not an assertion.
        for _ in 0..<6000 where !client.isReadable(within: 20) { try client.send("a") }
        return try client.readResponse()
    }

    @Test func everySocketAnswerCarriesTheFieldsOfWhatTheDoorKnows() async throws {
        let harness = try SocketDoorHarness(limits: LimitsConfig())
        defer { harness.cleanUp() }
        await harness.start()
        let path = harness.socketPath
        var rows: [Row] = []
        func add(_ label: String, _ raw: String, _ status: Int, _ policies: [String]) async throws {
            rows.append(
                Row(
                    label: label,
                    response: try await Self.exchange(socket: path, raw),
                    status: status,
                    policies: policies
                )
            )
        }
        // Early answers: the core's and the door's, before any limit is checked (the peer is mapped).
        try await add("400 malformed", Self.malformed, 400, Self.known)
        try await add("404 no route", Self.get("/v1/nowhere"), 404, Self.known)
        try await add("405 wrong method", "DELETE /v1/_ping HTTP/1.1\r\nHost: x\r\n\r\n", 405, Self.known)
        try await add(
            "413 declared body",
            "POST /v1/runs/run_1/replay HTTP/1.1\r\nHost: x\r\nContent-Length: \(2 << 20)\r\n\r\n",
            413,
            Self.known
        )
        try await add("431 head too large", Self.oversizedHead, 431, Self.known)
        try await add(
            "400 bad replay",
            "POST /v1/runs/run_1/replay?from_checkpoint=x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            400,
            Self.known
        )
        // The unauthenticated routes, which no limit checks.
        try await add("ping", Self.get("/v1/_ping"), 200, Self.known)
        try await add("health", Self.get("/v1/health"), 200, Self.known)
        try await add("metrics (off)", Self.get("/metrics"), 404, Self.known)
        // Reads, checked against the reads limit; and a replay.
        try await add("status", Self.get("/v1/gateway/status"), 200, ["reads"])
        try await add("history", Self.get("/v1/replays?since=1d"), 200, ["reads"])
        try await add("audit (not served here)", Self.get("/v1/audit"), 404, ["reads"])
        try await add(
            "replay",
            "POST /v1/runs/run_1/replay HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            201,
            ["principal", "source", "run", "global"]
        )
        try await Self.check(rows)
        try await harness.stop()
    }

    @Test func anUnmappedPeerIsAnsweredWithTheLimitsOfItsUIDAndEveryone() async throws {
        let harness = try SocketDoorHarness(
            mappings: [PrincipalConfig(name: "someone-else", unixUIDs: [61_000])],
            limits: LimitsConfig()
        )
        defer { harness.cleanUp() }
        await harness.start()
        let path = harness.socketPath
        try await Self.check([
            Row(
                label: "403 unmapped",
                response: try await Self.exchange(socket: path, Self.get("/v1/gateway/status")),
                status: 403,
                policies: ["source", "global"]
            ),
            Row(
                label: "ping unmapped",
                response: try await Self.exchange(socket: path, Self.get("/v1/_ping")),
                status: 200,
                policies: ["source", "global"]
            ),
        ])
        try await harness.stop()
    }

    @Test func theSocketsDeadlineAndCapacityRefusalsCarryTheFields() async throws {
        let deadlines = try SocketDoorHarness(
            configure: {
                $0.http.headTimeout = .milliseconds(300)
                $0.http.readTimeout = .seconds(3600)
            },
            limits: LimitsConfig()
        )
        defer { deadlines.cleanUp() }
        await deadlines.start()
        let slowPath = deadlines.socketPath
        let timedOut = try await RawSocketClient.offload {
            try Self.trickle(try RawSocketClient(path: slowPath), "GET /v1/_ping HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        }
        try await deadlines.stop()

        let capacity = try SocketDoorHarness(
            configure: {
                $0.http.maxConnections = 1
                $0.http.headTimeout = .seconds(3600)
                $0.http.readTimeout = .seconds(3600)
            },
            limits: LimitsConfig()
        )
        defer { capacity.cleanUp() }
        await capacity.start()
        let path = capacity.socketPath
        // One connection in the middle of its head holds the only slot; the next is over the total.
        let holder = try await RawSocketClient.offload {
            let holder = try RawSocketClient(path: path)
            try holder.send("GET /v1/_ping HTTP/1.1\r\n")
            return HeldConnection(holder)
        }
        try await capacity.waitForConnections(1)
        let refused = try await Self.exchange(socket: path, Self.get("/v1/_ping"))
        withExtendedLifetime(holder) {}
        #expect(refused.errorCode == "service_unavailable")
        #expect(refused.headers["retry-after"] == "1")
        try await Self.check([
            Row(label: "408 head deadline", response: timedOut, status: 408, policies: Self.known),
            Row(label: "503 over capacity", response: refused, status: 503, policies: Self.known),
        ])
        try await capacity.stop()
    }

    /// With `[limits] enabled = false` nothing limits the socket, and no field is sent: the draft's fields can
    /// only describe a policy in force.
    @Test func withLimitsOffTheSocketSendsNoFields() async throws {
        let harness = try SocketDoorHarness(limits: .unlimited)
        defer { harness.cleanUp() }
        await harness.start()
        let path = harness.socketPath
        try await Self.check([
            Row(
                label: "ping",
                response: try await Self.exchange(socket: path, Self.get("/v1/_ping")),
                status: 200,
                policies: []
            ),
            Row(
                label: "404",
                response: try await Self.exchange(socket: path, Self.get("/v1/nowhere")),
                status: 404,
                policies: []
            ),
            Row(
                label: "status",
                response: try await Self.exchange(socket: path, Self.get("/v1/gateway/status")),
                status: 200,
                policies: []
            ),
        ])
        try await harness.stop()
    }

    @Test func everyTeamDoorAnswerCarriesTheFields() async throws {
        let harness = try SocketDoorHarness(limits: LimitsConfig())
        defer { harness.cleanUp() }
        let clock = ManualReplayClock()
        let key = TeamTokenKey(bytes: Array(repeating: 7, count: 32))
        let token = try await TeamTokenAdmin(store: harness.store, key: key, principals: ["tester"], clock: clock)
            .create(principal: "tester", lifetime: nil, note: nil, by: "test").token
        var logger = Logger(label: "team-test")
        logger.logLevel = .critical
        let team = TeamServer(
            configuration: TeamServerConfiguration(host: "127.0.0.1", port: 0),
            pipeline: harness.pipeline,
            authenticator: TeamTokenAuthenticator(store: harness.store, key: key, principals: ["tester"], clock: clock),
            clock: clock,
            version: "test",
            group: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        await harness.start()
        let group = ServiceGroup(services: [team], gracefulShutdownSignals: [], logger: logger)
        async let running: Void = group.run()
        let port = try await team.waitUntilListening()
        func replay(_ query: String = "", token: String?) -> String {
            "POST /v1/runs/run_t/replay\(query) HTTP/1.1\r\nHost: x\r\n"
                + (token.map { "Authorization: Bearer \($0)\r\n" } ?? "") + "Content-Length: 0\r\n\r\n"
        }
        var rows: [Row] = []
        func add(_ label: String, _ raw: String, _ status: Int, _ policies: [String]) async throws {
            rows.append(
                Row(
                    label: label,
                    response: try await Self.exchange(port: port, raw),
                    status: status,
                    policies: policies
                )
            )
        }
        try await add("400 malformed", Self.malformed, 400, ["global"])
        try await add("404 no route", Self.get("/v1/nowhere"), 404, ["global"])
        try await add("405 wrong method", Self.get("/v1/runs/run_t/replay"), 405, ["global"])
        try await add(
            "413 declared body",
            "POST /v1/runs/run_t/replay HTTP/1.1\r\nHost: x\r\nContent-Length: \(1 << 20)\r\n\r\n",
            413,
            ["global"]
        )
        try await add("431 head too large", Self.oversizedHead, 431, ["global"])
        try await add("401 no token", replay(token: nil), 401, ["global"])
        try await add("401 bad token", replay(token: "rpd_not-a-real-token"), 401, ["global"])
        try await add("ping", Self.get("/v1/_ping"), 200, ["global"])
        // Authenticated: a refusal before the limits names the principal's limits; a replay, those it passed.
        try await add("400 bad replay", replay("?from_checkpoint=x", token: token), 400, Self.known)
        try await add("replay", replay(token: token), 201, ["principal", "source", "run", "global"])
        try await Self.check(rows)
        await group.triggerGracefulShutdown()
        try await running
        try await harness.stop()
    }

    @Test func everyWebhookListenerAnswerCarriesTheFields() async throws {
        let limiter = RateLimiter(configuration: LimitsConfig(), clock: ManualReplayClock())
        let handler = WebhookStubHandler(limits: limiter) { request in
            request.headers.contains(name: "X-Test-Forged")
                ? WebhookHTTPResponse(status: 401, body: Array("no".utf8), verificationFailed: true)
                : WebhookHTTPResponse(status: 200, body: Array("ok".utf8))
        }
        let harness = try WebhookServerHarness(sources: ["slack"], handler: handler)
        try await harness.start()
        let port = harness.port
        let source = ["webhook", "source", "global"]
        var rows: [Row] = []
        func add(_ label: String, _ raw: String, _ status: Int, _ policies: [String]) async throws {
            rows.append(
                Row(
                    label: label,
                    response: try await Self.exchange(port: port, raw),
                    status: status,
                    policies: policies
                )
            )
        }
        func post(_ path: String, _ extra: String = "") -> String {
            "POST \(path) HTTP/1.1\r\nHost: x\r\n\(extra)Content-Length: 2\r\n\r\nhi"
        }
        try await add("400 malformed", Self.malformed, 400, ["global"])
        try await add("404 unknown source", post("/hooks/nowhere"), 404, ["global"])
        try await add("404 GET", Self.get("/hooks/slack"), 404, source)
        try await add("405 PUT", "PUT /hooks/slack HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 405, source)
        try await add(
            "413 declared body",
            "POST /hooks/slack HTTP/1.1\r\nHost: x\r\nContent-Length: \(4 << 20)\r\n\r\n",
            413,
            source
        )
        try await add("431 head too large", Self.oversizedHead, 431, ["global"])
        try await add("401 verification failed", post("/hooks/slack", "X-Test-Forged: 1\r\n"), 401, source)
        try await add("200 delivery", post("/hooks/slack"), 200, source)
        try await Self.check(rows)
        try await harness.stop()

        // The 408 on a listener of its own: its head deadline is short, so no other row can run into it.
        let deadlines = try WebhookServerHarness(sources: ["slack"], handler: handler) {
            $0.http.headTimeout = .milliseconds(300)
            $0.http.readTimeout = .seconds(3600)
        }
        let slowPort = try await deadlines.start()
        let timedOut = try await RawSocketClient.offload {
            try Self.trickle(
                try RawSocketClient(tcpPort: slowPort),
                "POST /hooks/slack HTTP/1.1\r\nHost: x\r\nX-Slow: "
            )
        }
        try await Self.check([Row(label: "408 head deadline", response: timedOut, status: 408, policies: ["global"])])
        try await deadlines.stop()
    }
}
