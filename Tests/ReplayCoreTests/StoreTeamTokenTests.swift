import Testing

@testable import ReplayCore

/// `TeamTokenStore` (migration `v3-team-tokens`) on both backends, directly and through the admin, the
/// authenticator and the audit marks, as the daemon uses it.
@Suite struct StoreTeamTokenTests {
    typealias T = StoreTesting

    static func token(_ id: String, at time: Int64, expiresAt: Int64? = nil) -> TeamTokenRecord {
        TeamTokenRecord(id: id, principal: "alice", createdAt: time, expiresAt: expiresAt, note: "n", createdBy: "t")
    }

    @Test(arguments: StoreBackend.allCases) func tokensAreFoundByHashListedRevokedAndTouched(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, fixture in
            let first = Self.token("tok_1", at: T.t0, expiresAt: T.t0 + 1000)
            let second = Self.token("tok_2", at: T.t0 + 1)
            try await store.insertToken(first, hash: "h1")
            try await store.insertToken(second, hash: "h2")
            await #expect(throws: StoreError.self) {
                try await store.insertToken(Self.token("tok_3", at: 0), hash: "h1")
            }
            let found = try #require(try await store.token(hash: "h1"))
            #expect(found.record == first && found.hash == "h1")
            #expect(try await store.token(hash: "nope") == nil)
            #expect(try await store.tokens().map(\.id) == ["tok_2", "tok_1"])

            try await store.touchToken(id: "tok_1", at: T.t0 + 7)
            let revoked = try #require(try await store.revokeToken(id: "tok_1", at: T.t0 + 9, by: "op"))
            #expect(revoked.revokedAt == T.t0 + 9 && revoked.revokedBy == "op" && revoked.lastUsedAt == T.t0 + 7)
            // Revoking again changes nothing; an unknown id is nil.
            #expect(try await store.revokeToken(id: "tok_1", at: T.t0 + 20, by: "other") == revoked)
            #expect(try await store.revokeToken(id: "tok_x", at: T.t0, by: "op") == nil)
            // Another handle (another instance on PostgreSQL) sees the revocation at once.
            #expect(try await fixture.other().token(hash: "h1")?.record == revoked)
        }
    }

    @Test(arguments: StoreBackend.allCases) func changesStayUnauditedUntilMarked(_ backend: StoreBackend) async throws {
        try await T.withStore(backend) { store, _ in
            let first = Self.token("tok_1", at: T.t0)
            try await store.insertToken(first, hash: "h1")
            try await store.insertToken(Self.token("tok_2", at: T.t0 + 1), hash: "h2")
            #expect(try await store.unauditedTokenChanges().map(\.record.id) == ["tok_1", "tok_2"])
            try await store.markAudited(TeamTokenChange(action: .created, record: first))
            #expect(try await store.unauditedTokenChanges().map(\.record.id) == ["tok_2"])
            let revoked = try #require(try await store.revokeToken(id: "tok_1", at: T.t0 + 5, by: "op"))
            let pending = try await store.unauditedTokenChanges()
            #expect(
                pending == [
                    TeamTokenChange(action: .revoked, record: revoked),
                    TeamTokenChange(action: .created, record: Self.token("tok_2", at: T.t0 + 1)),
                ]
            )
            try await store.markAudited(TeamTokenChange(action: .revoked, record: revoked))
            #expect(try await store.unauditedTokenChanges().map(\.action) == [.created])
        }
    }

    @Test(arguments: StoreBackend.allCases) func aTokenCreatedOnOneHandleAuthenticatesOnTheOther(
        _ backend: StoreBackend
    ) async throws {
        try await T.withStore(backend) { store, fixture in
            let key = TeamTokenKey(bytes: Array(repeating: 7, count: 32))
            let clock = ManualReplayClock()
            let admin = TeamTokenAdmin(store: store, key: key, principals: ["alice"], clock: clock)
            let other = try await fixture.other()
            let authenticator = TeamTokenAuthenticator(store: other, key: key, principals: ["alice"], clock: clock)
            let created = try await admin.create(principal: "alice", lifetime: .seconds(60), note: nil, by: "t")
            let principal = try await authenticator.authenticate(authorization: "Bearer " + created.token).get()
            #expect(principal.name == "alice")
            _ = try await admin.revoke(id: created.record.id, by: "t")
            let refused = await authenticator.authenticate(authorization: "Bearer " + created.token)
            guard case .failure = refused else {
                Issue.record("a revoked token still authenticated")
                return
            }
        }
    }
}
