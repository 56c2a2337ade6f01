import Synchronization
import Testing

@testable import ReplayCore

/// ``FleetView``: the leases held are read from the lease store at each snapshot, and the fleet budget is the
/// one the last heartbeat sampled; without a lease store or a budget, neither is reported.
@Suite struct FleetViewTests {
    final class CountingLeases: ReplayLeaseStore {
        let held = Atomic<Int>(0)
        var instanceID: String { "gw-a" }
        var leaseTTL: Duration { .seconds(15) }
        var heldLeaseCount: Int { held.load(ordering: .relaxed) }
        func renewLeases(at now: Int64) async throws(StoreError) -> [LeaseLoss] { [] }
        func takeOverExpiredLeases(at now: Int64, limit: Int) async throws(StoreError) -> [LeaseTakeover] { [] }
    }

    @Test func withoutLeasesOrABudgetNeitherIsReported() {
        let view = FleetView(instanceID: "gw-a", registered: false)
        #expect(view.fleetSnapshot.leasesHeld == nil)
        #expect(view.fleetSnapshot.budget == nil)
    }

    @Test func leasesHeldAreReadAtEachSnapshotAndTheBudgetIsTheLastSampled() {
        let leases = CountingLeases()
        let view = FleetView(instanceID: "gw-a", registered: true, leases: leases)
        #expect(view.fleetSnapshot.leasesHeld == 0)
        leases.held.store(7, ordering: .relaxed)
        #expect(view.fleetSnapshot.leasesHeld == 7)
        let first = UpstreamBudgetState(
            limit: 600,
            remaining: 10,
            windowEndsIn: nil,
            pausedFor: nil,
            granted: 590,
            reachable: true
        )
        view.record(budget: first)
        #expect(view.fleetSnapshot.budget == first)
        var second = first
        second.reachable = false
        view.record(budget: second)
        #expect(view.fleetSnapshot.budget == second)
    }
}
