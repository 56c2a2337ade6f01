import Foundation
import Ingress
import Logging
import ReplayCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The socket door's record routes ask the pipeline who may see a record: another principal gets 404
/// `not_found` for a key it did not use, on reading, listing and resolving, exactly as before the rule left the
/// door.
@Suite struct RecordVisibilityRouteTests {
    private static func request(
        _ method: String,
        _ path: String,
        query: String? = nil,
        as name: String
    )
        -> GatewayRequest
    {
        let peer = PeerCredentials(uid: getuid(), gid: getgid(), pid: getpid())
        return GatewayRequest(
            method: method,
            path: path,
            query: query.map { [(name: $0, value: "true")] } ?? [],
            headers: [:],
            body: [],
            peer: peer,
            principal: Principal(name: name, authentication: .unixPeer(peer, matchedBy: "test")),
            requestID: "rq_visibility"
        )
    }

    private static func code(_ response: GatewayResponse) -> String? {
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        return (json?["error"] as? [String: Any])?["code"] as? String
    }

    @Test func anotherPrincipalGetsNotFoundForAKeyItDidNotUse() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        await harness.start()
        let created = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/runs/run_1/replay",
            headers: ["Idempotency-Key": "visible-key"]
        )
        #expect(created.status == 201)
        let logger = Logger(label: "test")
        let router = harness.router

        let own = await router.handle(Self.request("GET", "/v1/replays/visible-key", as: "tester"), logger: logger)
        #expect(own.status == 200)
        let other = await router.handle(Self.request("GET", "/v1/replays/visible-key", as: "other"), logger: logger)
        #expect(other.status == 404)
        #expect(Self.code(other) == "not_found")

        // Resolving: the owner is told the record is final (400); anyone else is told it does not exist (404).
        let ownResolve = await router.handle(
            Self.request("POST", "/v1/replays/visible-key/resolve", as: "tester"),
            logger: logger
        )
        #expect(ownResolve.status == 400)
        let otherResolve = await router.handle(
            Self.request("POST", "/v1/replays/visible-key/resolve", as: "other"),
            logger: logger
        )
        #expect(otherResolve.status == 404)
        #expect(Self.code(otherResolve) == "not_found")

        let otherList = await router.handle(
            Self.request("GET", "/v1/replays", query: "pending", as: "other"),
            logger: logger
        )
        #expect(otherList.status == 200)
        let list = (try? JSONSerialization.jsonObject(with: Data(otherList.body))) as? [String: Any]
        #expect((list?["data"] as? [Any])?.isEmpty == true)
        try await harness.stop()
    }
}
