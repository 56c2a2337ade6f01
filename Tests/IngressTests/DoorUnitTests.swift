import Foundation
import HTTPServer
import Logging
import NIOHTTP1
import ReplayCore
import Testing

@testable import Ingress

/// Both doors, request in and response out, without a socket: the head check and the responder.
@Suite struct DoorUnitTests {
    private static let context = HTTPRequestContext(requestID: "rq_unit", logger: Logger(label: "test"))

    private static func head(_ method: HTTPMethod, _ uri: String, _ headers: HTTPHeaders = [:]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }

    @Test func queriesDecodePlusAndEscapesAndKeepInvalidEscapesAsText() {
        let split = SocketDoor.splitURI("/v1/runs/r%201/replay?force=true&from_checkpoint=3&note=a+b%2Bc&bad=%zz&empty")
        #expect(split.path == "/v1/runs/r%201/replay")
        #expect(split.query.map(\.name) == ["force", "from_checkpoint", "note", "bad", "empty"])
        #expect(split.query.map(\.value) == ["true", "3", "a b+c", "%zz", ""])
        #expect(SocketDoor.splitURI("/v1/_ping").query.isEmpty)
        #expect(PercentEncodingShim.decode("caf%C3%A9+au+lait") == "café au lait")
        #expect(PercentEncodingShim.decode("%FF") == "%FF", "an escape that is not UTF-8 stays as text")
    }

    @Test func theSocketDoorRefusesAnUnmappedUIDAtTheHeadButNotForPing() async throws {
        let harness = try SocketDoorHarness(mappings: [])
        defer { harness.cleanUp() }
        let door = SocketDoor(router: harness.router)
        let credentials = PeerCredentials(uid: 4242, gid: 4242, pid: 1)
        let peer = SocketPeer(credentials: credentials, authentication: harness.router.authenticate(credentials))

        guard
            case .answer(let refused) = await door.checkHead(
                Self.head(.POST, "/v1/runs/r/replay"),
                from: peer,
                context: Self.context
            )
        else {
            Issue.record("an unmapped uid was admitted")
            return
        }
        #expect(refused.status == 403)
        #expect(refused.closeConnection)
        let json = try JSONSerialization.jsonObject(with: Data(refused.body)) as? [String: Any]
        #expect(json?["request_id"] as? String == "rq_unit")
        #expect((json?["error"] as? [String: Any])?["code"] as? String == "unknown_peer")

        guard case .admit = await door.checkHead(Self.head(.GET, "/v1/_ping"), from: peer, context: Self.context) else {
            Issue.record("ping was refused to an unmapped uid")
            return
        }
        let ping = await door.respond(
            to: HTTPServerRequest(head: Self.head(.GET, "/v1/_ping"), body: []),
            admission: (),
            from: peer,
            context: Self.context
        )
        #expect(ping.status == 200)
        await harness.audit.log.close()
    }

    @Test func theSocketDoorRendersTheCoresRefusalsInStraitsEnvelope() throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        let door = SocketDoor(router: harness.router)
        let response = door.render(
            HTTPRefusal(.tooManyConnections, "too many", retryAfterSeconds: 1),
            context: Self.context
        )
        #expect(response.status == 503)
        #expect(response.headers.first(name: "Retry-After") == "1")
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect((json?["error"] as? [String: Any])?["code"] as? String == "too_many_connections")
        #expect(json?["request_id"] as? String == "rq_unit")
    }

    private static func webhookDoor(handler: WebhookStubHandler = WebhookStubHandler()) -> WebhookListenerDoor {
        let clock = ManualReplayClock()
        return WebhookListenerDoor(
            sources: ["slack"],
            handler: handler,
            trustedProxies: TrustedProxies(),
            limiter: PreAuthLimiter(defaultLimit: PreAuthLimit(ratePerSecond: 1, burst: 1), clock: clock),
            throttle: VerificationFailureThrottle(policy: FailureThrottlePolicy(), clock: clock),
            clock: clock
        )
    }

    @Test func theWebhookDoorRoutesAndLimitsFromTheHead() async throws {
        let door = Self.webhookDoor()
        func status(_ decision: HTTPHeadDecision<WebhookAdmission>) -> Int? {
            if case .answer(let response) = decision { return response.status }
            return nil
        }
        #expect(
            status(await door.checkHead(Self.head(.GET, "/hooks/slack"), from: "192.0.2.1", context: Self.context))
                == 404
        )
        let put = await door.checkHead(Self.head(.PUT, "/hooks/slack"), from: "192.0.2.1", context: Self.context)
        #expect(status(put) == 405)
        if case .answer(let response) = put { #expect(response.headers.first(name: "Allow") == "POST") }
        #expect(
            status(await door.checkHead(Self.head(.POST, "/hooks/other"), from: "192.0.2.1", context: Self.context))
                == 404
        )
        #expect(
            status(await door.checkHead(Self.head(.POST, "/hooks/slack"), from: "192.0.2.1", context: Self.context))
                == nil
        )
        // The bucket holds one: the next is refused before any signature work.
        let limited = await door.checkHead(Self.head(.POST, "/hooks/slack"), from: "192.0.2.1", context: Self.context)
        #expect(status(limited) == 429)
    }

    @Test func theWebhookDoorHandsTheRequestToItsHandler() async throws {
        let handler = WebhookStubHandler()
        let door = Self.webhookDoor(handler: handler)
        let head = Self.head(.POST, "/hooks/slack?x=1", ["X-Test": "yes"])
        guard case .admit(let admission) = await door.checkHead(head, from: "192.0.2.7", context: Self.context) else {
            Issue.record("a good head was refused")
            return
        }
        #expect(admission.source == "slack")
        #expect(admission.client == "192.0.2.7")
        let response = await door.respond(
            to: HTTPServerRequest(head: head, body: Array("hi".utf8)),
            admission: admission,
            from: "192.0.2.7",
            context: Self.context
        )
        #expect(response.status == 200)
        #expect(response.body == Array("ok".utf8))
        let seen = try #require(handler.requests.first)
        #expect(seen.header("x-test") == "yes")
        #expect(seen.body == Array("hi".utf8))
        #expect(seen.requestID == "rq_unit")
    }
}
