import Testing

@testable import ReplayCore

/// Team tokens follow the `[[principals]]` in force (a reload), not the ones read at start: against a real SQLite
/// state database, a principal added by a reload may be issued a token, and one removed has its token refused at
/// the next request, with no new admin or authenticator built.
@Suite struct TeamTokenReloadTests {
    @Test func tokensFollowThePrincipalsInForce() async throws {
        try await StoreTesting.withStore { store, _ in
            let clock = ManualReplayClock()
            let inForce = ReloadableState<Set<String>>(["alice"])
            let isPrincipal: @Sendable (String) -> Bool = { inForce.current.contains($0) }
            let admin = TeamTokenAdmin(store: store, key: TeamTokenTests.key, isPrincipal: isPrincipal, clock: clock)
            let authenticator = TeamTokenAuthenticator(
                store: store,
                key: TeamTokenTests.key,
                isPrincipal: isPrincipal,
                clock: clock
            )
            await #expect(throws: TeamTokenAdminError.self) {
                try await admin.create(principal: "carol", lifetime: nil, note: nil, by: "test")
            }
            let alices = try await admin.create(principal: "alice", lifetime: nil, note: nil, by: "test")
            #expect(try await authenticator.authenticate(authorization: "Bearer " + alices.token).get().name == "alice")

            // The reload: carol in, alice out.
            inForce.replace(with: ["carol"])
            let carols = try await admin.create(principal: "carol", lifetime: nil, note: nil, by: "test")
            #expect(try await authenticator.authenticate(authorization: "Bearer " + carols.token).get().name == "carol")
            let refused = await authenticator.authenticate(authorization: "Bearer " + alices.token)
            #expect(throws: TeamTokenDenial(.unknownPrincipal, tokenID: alices.record.id, principal: "alice")) {
                try refused.get()
            }
        }
    }
}
