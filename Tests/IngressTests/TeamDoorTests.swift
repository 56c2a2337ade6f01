import Foundation
import HTTPServer
import Logging
import NIOHTTP1
import ReplayCore
import Testing

@testable import Ingress

/// The team door and the token routes without a socket: head check and responder, over a real state store and
/// a real audit log, with the throttle on an injected clock.
@Suite struct TeamDoorTests {
    private static let context = HTTPRequestContext(requestID: "rq_team", logger: Logger(label: "test"))
    private static let key = TeamTokenKey(bytes: Array(repeating: 9, count: 32))

    /// A policy with no grants: every replay and every action is denied.
    struct NoGrants: ReplayPolicy {
        func authorize(
            _ principal: Principal,
            _ request: ReplayRequest
        ) async throws(ReplayError) -> ReplayAuthorization {
            throw ReplayError(.forbidden, "no grant allows \(principal.name) to replay")
        }

        func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError) {
            throw ReplayError(.forbidden, "no grant allows \(principal.name) \(action.rawValue)")
        }
    }

    private static func head(
        _ method: HTTPMethod,
        _ uri: String,
        token: String? = nil,
        from client: String? = nil
    )
        -> HTTPRequestHead
    {
        var headers: HTTPHeaders = ["Accept": "application/json"]
        if let token { headers.add(name: "Authorization", value: "Bearer " + token) }
        if let client { headers.add(name: "X-Forwarded-For", value: client) }
        return HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }

    private static func door(
        _ harness: SocketDoorHarness,
        clock: ManualReplayClock,
        threshold: Int = 3
    ) throws -> TeamDoor {
        TeamDoor(
            pipeline: harness.pipeline,
            authenticator: TeamTokenAuthenticator(store: harness.store, key: key, principals: ["tester"], clock: clock),
            trustedProxies: TrustedProxies([try CIDR("127.0.0.1/32")]),
            throttle: VerificationFailureThrottle(
                policy: FailureThrottlePolicy(threshold: threshold, initialBlock: .seconds(60)),
                clock: clock
            ),
            version: "test"
        )
    }

    private static func token(_ harness: SocketDoorHarness, clock: ManualReplayClock) async throws -> String {
        let admin = TeamTokenAdmin(store: harness.store, key: key, principals: ["tester"], clock: clock)
        return try await admin.create(principal: "tester", lifetime: nil, note: nil, by: "test").token
    }

    private static func auditText(_ harness: SocketDoorHarness) async throws -> String {
        await harness.audit.log.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: harness.audit.directory)
        return try names.filter { $0.hasPrefix("audit-") }.sorted()
            .map { try String(contentsOfFile: harness.audit.directory + "/" + $0, encoding: .utf8) }
            .joined(separator: "\n")
    }

    @Test func withNoGrantATokenHolderIsDeniedAndTheDenialIsAuditedWithTheTokenID() async throws {
        let harness = try SocketDoorHarness(policy: NoGrants())
        defer { harness.cleanUp() }
        let clock = ManualReplayClock()
        let token = try await Self.token(harness, clock: clock)
        let door = try Self.door(harness, clock: clock)
        let head = Self.head(.POST, "/v1/runs/run_1/replay", token: token)
        guard case .admit(let admission) = await door.checkHead(head, from: "127.0.0.1", context: Self.context) else {
            Issue.record("a valid token was refused at the head")
            return
        }
        let response = await door.respond(
            to: HTTPServerRequest(head: head, body: []),
            admission: admission,
            from: "127.0.0.1",
            context: Self.context
        )
        #expect(response.status == 403)
        #expect(String(decoding: response.body, as: UTF8.self).contains(#""code":"forbidden""#))
        #expect(harness.upstreamURLs.isEmpty)
        let audit = try await Self.auditText(harness)
        #expect(audit.contains(#""door":"team""#) && audit.contains("no grant allows tester to replay"))
        #expect(audit.contains(#""kind":"token""#) && audit.contains(#""auth":"token:tok_"#))
        #expect(!audit.contains(token))
    }

    @Test func withNoGrantTheTokenRoutesAreDeniedAndAudited() async throws {
        let harness = try SocketDoorHarness(policy: NoGrants())
        defer { harness.cleanUp() }
        let clock = ManualReplayClock()
        let relay = TeamTokenAuditRelay(
            store: harness.store,
            auditor: harness.audit.auditor,
            clock: clock,
            logger: Logger(label: "test")
        )
        let routes = TokenRoutes(
            admin: TeamTokenAdmin(store: harness.store, key: Self.key, principals: ["tester"], clock: clock),
            relay: relay,
            clock: clock
        )
        let principal = Principal(
            name: "tester",
            authentication: .unixPeer(PeerCredentials(uid: getuid(), gid: getgid(), pid: 1), matchedBy: "uid")
        )
        let request = GatewayRequest(
            method: "POST",
            path: "/v1/tokens",
            query: [],
            headers: [:],
            body: Array(#"{"principal":"tester"}"#.utf8),
            peer: PeerCredentials(uid: getuid(), gid: getgid(), pid: 1),
            principal: principal,
            requestID: "rq_admin"
        )
        let created = await routes.create(request, pipeline: harness.pipeline, logger: Logger(label: "test"))
        #expect(created.status == 403)
        var listing = request
        listing.method = "GET"
        #expect(await routes.list(listing, pipeline: harness.pipeline, logger: Logger(label: "test")).status == 403)
        #expect(try await harness.store.tokens().isEmpty)
        let audit = try await Self.auditText(harness)
        #expect(audit.contains("no grant allows tester token_admin"))
    }

    @Test func refusalsAtTheHeadFollowStraitsShapes() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        let clock = ManualReplayClock()
        let door = try Self.door(harness, clock: clock)
        func answer(_ head: HTTPRequestHead) async -> HTTPServerResponse? {
            if case .answer(let response) = await door.checkHead(head, from: "127.0.0.1", context: Self.context) {
                return response
            }
            return nil
        }
        #expect(await answer(Self.head(.POST, "/v1/runs/r/checkpoints"))?.status == 404)
        let wrongMethod = await answer(Self.head(.GET, "/v1/runs/r/replay"))
        #expect(wrongMethod?.status == 405 && wrongMethod?.headers.first(name: "Allow") == "POST")
        let missing = await answer(Self.head(.POST, "/v1/runs/r/replay"))
        #expect(missing?.status == 401)
        #expect(missing?.headers.first(name: "WWW-Authenticate") == #"Bearer realm="replayd""#)
        let body = String(decoding: missing?.body ?? [], as: UTF8.self)
        #expect(body.contains(#""code":"authentication_required""#) && body.contains(#""request_id":"rq_team""#))
        guard case .admit = await door.checkHead(Self.head(.GET, "/v1/_ping"), from: "127.0.0.1", context: Self.context)
        else {
            Issue.record("ping needs no token")
            return
        }
        await harness.audit.log.close()
    }

    @Test func failedTokensBlockOneClientUntilTheBlockEndsOnTheClock() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        let clock = ManualReplayClock()
        let token = try await Self.token(harness, clock: clock)
        let door = try Self.door(harness, clock: clock, threshold: 3)
        let wrong = TeamTokenFormat.newToken()
        func status(_ token: String, from client: String) async -> Int {
            let head = Self.head(.POST, "/v1/runs/r/replay", token: token, from: client)
            switch await door.checkHead(head, from: "127.0.0.1", context: Self.context) {
            case .answer(let response): return response.status
            case .admit: return 0
            }
        }
        for _ in 0..<3 { #expect(await status(wrong, from: "198.51.100.1") == 401) }
        #expect(await status(token, from: "198.51.100.1") == 429, "blocked, even with a good token")
        #expect(await status(token, from: "198.51.100.2") == 0, "another client is admitted")
        clock.advance(by: .seconds(59))
        #expect(await status(token, from: "198.51.100.1") == 429)
        clock.advance(by: .seconds(1))
        #expect(await status(token, from: "198.51.100.1") == 0, "the block is over")
        await harness.audit.log.close()
    }
}
