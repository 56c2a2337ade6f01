import Testing

@testable import ReplayCore

/// `previewClaim` on both backends: it decides what `claim` then does (by the same shared rules), and writes
/// nothing.
@Suite struct StorePreviewClaimTests {
    typealias T = StoreTesting

    @Test(arguments: StoreBackend.allCases) func aNewKeyPreviewsCreateAndWritesNothing(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let record = T.record(key: "new")
            let preview = try await store.previewClaim(record, coalesceSince: T.t0)
            #expect(preview == .create)
            #expect(try await store.record(record.id) == nil)
            #expect(try await store.claim(record, coalesceSince: T.t0).isCreated)
        }
    }

    @Test(arguments: StoreBackend.allCases) func anExistingKeyPreviewsItsRecordOrAMismatch(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, _ in
            let stored = try await T.create(T.record(key: "k"), in: store)
            #expect(try await store.previewClaim(T.record(key: "k"), coalesceSince: nil) == .existing(stored))
            let other = T.record(key: "k", runID: "run_2")
            #expect(try await store.previewClaim(other, coalesceSince: nil) == .fingerprintMismatch(stored))
            guard case .fingerprintMismatch(let found) = try await store.claim(other, coalesceSince: nil) else {
                Issue.record("the claim did not refuse the other request")
                return
            }
            #expect(found == stored)
        }
    }

    @Test(arguments: StoreBackend.allCases) func coalescingIsPreviewedAsTheClaimThenDecides(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, fixture in
            let driver = try await T.create(T.record(principal: "alice", key: "a"), in: store)
            let request = T.record(principal: "bob", key: "b", createdAt: T.t0 + 10, requestID: "req-b")
            // Another handle (another PostgreSQL instance) previews the same decision.
            let other = try await fixture.other()
            #expect(try await other.previewClaim(request, coalesceSince: T.t0) == .coalesce(into: driver))
            #expect(try await store.previewClaim(request, coalesceSince: T.t0) == .coalesce(into: driver))
            #expect(try await store.record(request.id) == nil)
            guard case .coalesced(_, let into) = try await store.claim(request, coalesceSince: T.t0) else {
                Issue.record("the claim did not coalesce")
                return
            }
            #expect(into == driver)
            // Outside the window, or with force, a claim would create.
            let later = T.record(principal: "carol", key: "c", createdAt: T.t0 + 20, requestID: "req-c")
            #expect(try await store.previewClaim(later, coalesceSince: T.t0 + 1) == .create)
            let forced = T.record(principal: "carol", key: "d", force: true, createdAt: T.t0 + 20, requestID: "req-d")
            #expect(try await store.previewClaim(forced, coalesceSince: T.t0) == .create)
        }
    }
}
