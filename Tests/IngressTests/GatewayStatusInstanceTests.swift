import Foundation
import ReplayCore
import Testing

@testable import Ingress

/// The `instance` object of `GET /v1/gateway/status`: the id always; the live instances, the leases held and the
/// fleet budget with PostgreSQL, and nothing about them without.
@Suite struct GatewayStatusInstanceTests {
    static func encoded(_ snapshot: FleetSnapshot) throws -> [String: Any] {
        let data = try JSONEncoder().encode(GatewayStatusBody.Instance(snapshot))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func withoutARegistryOnlyTheId() throws {
        let json = try Self.encoded(FleetSnapshot(instanceID: "gw-a", registered: false))
        #expect(json["id"] as? String == "gw-a")
        #expect(json["registry"] as? Bool == false)
        #expect(Set(json.keys) == ["id", "registry"])
    }

    @Test func withTheRegistryTheLiveInstancesTheirSkewAndAnIdClaimedTwice() throws {
        let row = InstanceRecord(
            id: "gw-b",
            host: "b.example",
            pid: 12,
            version: "1.2.3",
            startedAtMilliseconds: 1_000,
            lastSeenMilliseconds: 1_796_000_000_250,
            skewMilliseconds: -1_500
        )
        var snapshot = FleetSnapshot(instanceID: "gw-a", registered: true)
        snapshot.live = [row]
        snapshot.skewMilliseconds = 40
        snapshot.lastError = "the instance heartbeat failed: connection refused"
        snapshot.claimedByOther = row
        let json = try Self.encoded(snapshot)
        #expect(json["skew_ms"] as? Int == 40)
        #expect(json["registry_error"] as? String == "the instance heartbeat failed: connection refused")
        let live = try #require(json["instances"] as? [[String: Any]])
        #expect(live.count == 1)
        #expect(live[0]["id"] as? String == "gw-b")
        #expect(live[0]["host"] as? String == "b.example")
        #expect(live[0]["skew_ms"] as? Int == -1_500)
        #expect((live[0]["last_seen"] as? String)?.hasPrefix("2026-") == true, "\(live[0])")
        #expect((json["id_claimed_by"] as? [String: Any])?["pid"] as? Int == 12)
        #expect(json["leases_held"] == nil && json["budget"] == nil)
    }

    @Test func withLeasesAndAFleetBudgetBothAreReported() throws {
        var snapshot = FleetSnapshot(instanceID: "gw-a", registered: true)
        snapshot.leasesHeld = 3
        snapshot.budget = UpstreamBudgetState(
            limit: 600,
            remaining: 41,
            windowEndsIn: .milliseconds(12_250),
            pausedFor: .milliseconds(1_500),
            granted: 559,
            reachable: false
        )
        let json = try Self.encoded(snapshot)
        #expect(json["leases_held"] as? Int == 3)
        let budget = try #require(json["budget"] as? [String: Any])
        #expect(budget["limit"] as? Int == 600)
        #expect(budget["remaining"] as? Int == 41)
        #expect(budget["window_ends_in_ms"] as? Int == 12_250)
        #expect(budget["paused_for_ms"] as? Int == 1_500)
        #expect(budget["granted"] as? Int == 559)
        #expect(budget["reachable"] as? Bool == false)
    }
}
