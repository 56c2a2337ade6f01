import Foundation
import Testing

@testable import ReplayCore

/// Team tokens against a real SQLite state database: only keyed hashes are stored, revocation and expiry take
/// effect on the next lookup, and every refusal says why without the token.
@Suite struct TeamTokenTests {
    static let key = TeamTokenKey(bytes: Array(repeating: 7, count: 32))

    struct Stack {
        var store: SQLiteReplayStore
        var path: String
        var clock: ManualReplayClock
        var admin: TeamTokenAdmin
        var authenticator: TeamTokenAuthenticator
    }

    static func withStack(
        principals: Set<String> = ["alice", "bob"],
        _ body: (Stack) async throws -> Void
    )
        async throws
    {
        try await StoreTesting.withStore { store, path in
            let clock = ManualReplayClock()
            try await body(
                Stack(
                    store: store,
                    path: path,
                    clock: clock,
                    admin: TeamTokenAdmin(store: store, key: key, principals: principals, clock: clock),
                    authenticator: TeamTokenAuthenticator(
                        store: store,
                        key: key,
                        principals: principals,
                        clock: clock
                    )
                )
            )
        }
    }

    @Test func aCreatedTokenAuthenticatesAsItsPrincipalAndOnlyItsHashIsStored() async throws {
        try await Self.withStack { stack in
            let created = try await stack.admin.create(
                principal: "alice",
                lifetime: .seconds(3600),
                note: "laptop",
                by: "cli:uid=1"
            )
            #expect(TeamTokenFormat.isWellFormed(created.token))
            #expect(created.token.hasPrefix("rpd_") && created.token.count == 68)
            #expect(TeamTokenFormat.isWellFormedID(created.record.id))
            let principal = try await stack.authenticator.authenticate(authorization: "Bearer " + created.token).get()
            #expect(principal.name == "alice")
            #expect(principal.authentication == .token(id: created.record.id))
            try stack.store.close()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: stack.path))
            let wal = (try? Data(contentsOf: URL(fileURLWithPath: stack.path + "-wal"))) ?? Data()
            let secret = Data(created.token.dropFirst(4).utf8)
            #expect(bytes.range(of: secret) == nil && wal.range(of: secret) == nil, "the token itself is never stored")
            #expect(
                bytes.range(of: Data(Self.key.digest(created.token).utf8)) != nil
                    || wal.range(of: Data(Self.key.digest(created.token).utf8)) != nil
            )
        }
    }

    @Test func revocationTakesEffectOnTheNextLookup() async throws {
        try await Self.withStack { stack in
            let created = try await stack.admin.create(principal: "bob", lifetime: nil, note: nil, by: "test")
            _ = try await stack.authenticator.authenticate(authorization: "Bearer " + created.token).get()
            let revoked = try await stack.admin.revoke(id: created.record.id, by: "test")
            #expect(revoked.revokedAt != nil && revoked.revokedBy == "test")
            let denial = await Self.denial(stack, "Bearer " + created.token)
            #expect(denial == TeamTokenDenial(.revoked, tokenID: created.record.id, principal: "bob"))
            // Revoking again changes nothing; an unknown id is not found.
            #expect(try await stack.admin.revoke(id: created.record.id, by: "other").revokedBy == "test")
            await #expect(throws: TeamTokenAdminError(.notFound, "no token with id tok_0000000000000000")) {
                try await stack.admin.revoke(id: "tok_0000000000000000", by: "test")
            }
        }
    }

    @Test func expiryTakesEffectOnTheInjectedClock() async throws {
        try await Self.withStack { stack in
            let created = try await stack.admin.create(
                principal: "alice",
                lifetime: .seconds(3600),
                note: nil,
                by: "test"
            )
            stack.clock.advance(by: .seconds(3599))
            _ = try await stack.authenticator.authenticate(authorization: "Bearer " + created.token).get()
            stack.clock.advance(by: .seconds(1))
            #expect(await Self.denial(stack, "Bearer " + created.token)?.reason == .expired)
            let listed = try await stack.admin.list()
            #expect(listed.map { $0.state(at: stack.clock.wallNowMilliseconds()) } == [.expired])
            #expect(listed.first?.lastUsedAt == StoreTesting.t0 + 3_599_000, "the use before expiry was recorded")
        }
    }

    @Test func malformedUnknownAndMissingTokensAreRefusedWithTheirReason() async throws {
        try await Self.withStack { stack in
            #expect(await Self.denial(stack, nil)?.reason == .missing)
            #expect(await Self.denial(stack, "")?.reason == .missing)
            #expect(await Self.denial(stack, "Basic abc")?.reason == .malformed)
            #expect(await Self.denial(stack, "bearer " + TeamTokenFormat.newToken())?.reason == .malformed)
            #expect(await Self.denial(stack, "Bearer  " + TeamTokenFormat.newToken())?.reason == .malformed)
            #expect(await Self.denial(stack, "Bearer rpd_xyz")?.reason == .malformed)
            #expect(await Self.denial(stack, "Bearer " + TeamTokenFormat.newToken())?.reason == .unknown)
            let denial = await Self.denial(stack, "Bearer " + TeamTokenFormat.newToken())
            #expect(denial?.tokenID == nil && denial?.message == "invalid token")
        }
    }

    @Test func aTokenWhosePrincipalLeftTheConfigIsRefused() async throws {
        try await StoreTesting.withStore { store, _ in
            let clock = ManualReplayClock()
            let admin = TeamTokenAdmin(store: store, key: Self.key, principals: ["carol"], clock: clock)
            let created = try await admin.create(principal: "carol", lifetime: nil, note: nil, by: "test")
            let later = TeamTokenAuthenticator(store: store, key: Self.key, principals: ["alice"], clock: clock)
            let result = await later.authenticate(authorization: "Bearer " + created.token)
            #expect(throws: TeamTokenDenial(.unknownPrincipal, tokenID: created.record.id, principal: "carol")) {
                try result.get()
            }
        }
    }

    @Test func createRefusesAnUnknownPrincipalAndABadNote() async throws {
        try await Self.withStack { stack in
            await #expect(throws: TeamTokenAdminError.self) {
                try await stack.admin.create(principal: "mallory", lifetime: nil, note: nil, by: "test")
            }
            await #expect(throws: TeamTokenAdminError.self) {
                try await stack.admin.create(principal: "alice", lifetime: nil, note: "a\nb", by: "test")
            }
            let remaining = try await stack.admin.list()
            #expect(remaining.isEmpty)
        }
    }

    @Test func lifetimesParseLikeTheConfigPlusDaysAndNever() throws {
        #expect(try TeamTokenAdmin.parseLifetime("30d").get() == .seconds(30 * 86_400))
        #expect(try TeamTokenAdmin.parseLifetime("12h").get() == .seconds(12 * 3600))
        #expect(try TeamTokenAdmin.parseLifetime("1h30m").get() == .seconds(5400))
        #expect(try TeamTokenAdmin.parseLifetime("never").get() == nil)
        for bad in ["", "0d", "-1d", "30", "0s", "soon", "99999d"] {
            #expect(throws: TeamTokenAdminError.self, "\(bad)") { try TeamTokenAdmin.parseLifetime(bad).get() }
        }
    }

    @Test func changesStayUnauditedUntilMarked() async throws {
        try await Self.withStack { stack in
            let first = try await stack.admin.create(principal: "alice", lifetime: nil, note: nil, by: "test")
            #expect(try await stack.store.unauditedTokenChanges().map(\.action) == [.created])
            try await stack.store.markAudited(TeamTokenChange(action: .created, record: first.record))
            #expect(try await stack.store.unauditedTokenChanges().isEmpty)
            _ = try await stack.admin.revoke(id: first.record.id, by: "test")
            let pending = try await stack.store.unauditedTokenChanges()
            #expect(pending.map(\.action) == [.revoked] && pending.first?.record.id == first.record.id)
        }
    }

    @Test func theKeyFileIsCreatedPrivateAndReadBack() async throws {
        try await StoreTesting.withDirectory { directory in
            let path = directory + "/team-token.key"
            let trust = FileTrust.system()
            let made = try TeamTokenKey.load(path, create: true, trust: trust)
            #expect(made.created)
            var info = stat()
            #expect(lstat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
            let again = try TeamTokenKey.load(path, create: true, trust: trust)
            #expect(!again.created)
            #expect(made.key.digest("rpd_x") == again.key.digest("rpd_x"))
            // A configured path must exist; a malformed key is refused.
            #expect(throws: TeamTokenKeyError.self) {
                try TeamTokenKey.load(directory + "/missing.key", create: false, trust: trust)
            }
            let bad = directory + "/bad.key"
            _ = FileManager.default.createFile(
                atPath: bad,
                contents: Data("short\n".utf8),
                attributes: [.posixPermissions: 0o600]
            )
            #expect(throws: TeamTokenKeyError.self) { try TeamTokenKey.load(bad, create: false, trust: trust) }
        }
    }

    static func denial(_ stack: Stack, _ header: String?) async -> TeamTokenDenial? {
        if case .failure(let denial) = await stack.authenticator.authenticate(authorization: header) { return denial }
        return nil
    }
}
