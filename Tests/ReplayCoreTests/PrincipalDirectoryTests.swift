import ReplayCore
import Testing

@Suite struct PrincipalDirectoryTests {
    private struct FakeAccounts: UnixAccounts {
        func uid(ofUser name: String) -> UInt32? { ["alice": 1001, "bob": 1002][name] }
        func gid(ofGroup name: String) -> UInt32? { ["oncall": 500, "ops": 600][name] }
        func userName(ofUID uid: UInt32) -> String? { [1001: "alice", 1002: "bob", 1003: "carol"][uid] }
        func groupIDs(ofUID uid: UInt32, primaryGID: UInt32) -> Set<UInt32> {
            Set([primaryGID]).union(uid == 1003 ? [600] : [])
        }
    }

    private let directory = PrincipalDirectory(
        mappings: [
            PrincipalConfig(name: "alice", unixUsers: ["alice", "ghost"]),
            PrincipalConfig(name: "robot", unixUIDs: [0, 1002]),
            PrincipalConfig(name: "oncall", unixGroups: ["oncall", "nogroup"]),
            PrincipalConfig(name: "ops", unixGroups: ["ops"]),
        ],
        accounts: FakeAccounts()
    )

    @Test func mapsByUserUIDPrimaryAndSupplementaryGroup() {
        #expect(directory.principal(for: PeerCredentials(uid: 1001, gid: 100, pid: 7))?.name == "alice")
        #expect(directory.principal(for: PeerCredentials(uid: 1002, gid: 500, pid: 7))?.name == "robot")
        #expect(directory.principal(for: PeerCredentials(uid: 4000, gid: 500, pid: 7))?.name == "oncall")
        #expect(directory.principal(for: PeerCredentials(uid: 1003, gid: 100, pid: 7))?.name == "ops")
        #expect(directory.principal(for: PeerCredentials(uid: 4000, gid: 100, pid: 7)) == nil)
    }

    @Test func reportsNamesThatDoNotResolve() {
        #expect(directory.unresolved.count == 2)
        #expect(directory.unresolved.contains { $0.contains("\"ghost\"") })
        #expect(directory.unresolved.contains { $0.contains("\"nogroup\"") })
    }

    @Test func unmappedPeersGetADenialThatSaysHowToFixIt() {
        let authenticator = DirectoryPeerAuthenticator(directory: directory)
        #expect {
            _ = try authenticator.authenticate(PeerCredentials(uid: 4321, gid: 1, pid: 1))
        } throws: { error in
            guard let error = error as? ReplayError else { return false }
            return error.code == .unknownPeer && error.message.contains("uid 4321")
                && error.message.contains("[[principals]]")
        }
    }
}
