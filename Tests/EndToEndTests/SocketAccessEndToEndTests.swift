import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketAccessEndToEndTests {
    @Test func aUIDThatIsNotInTheConfigGets403() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig(principalUID: getuid() &+ 4242)
        try await harness.startDaemon()
        let result = try await harness.replayctl(["replay", "run_failed_1", "-o", "json"])
        #expect(result.status == 4)
        #expect((result.json?["status"] as? NSNumber)?.intValue == 403)
        #expect(result.json?["error_code"] as? String == "unknown_peer")
        #expect(try await harness.simulatorRequestTotal() == 0)
        await harness.stop()
    }

    @Test func theSocketIsMode0660AndASecondDaemonIsRefused() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        try await harness.startDaemon()
        var info = stat()
        #expect(lstat(harness.socketPath, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660)

        let second = try await harness.replayd(
            ["serve", "--config", harness.configPath],
            environment: ["STRAIT_API_KEY": EndToEndHarness.demoKey]
        )
        #expect(second.status != 0)
        #expect(second.stderr.contains("already running"))
        // The first daemon still serves.
        #expect(try await harness.replayctl(["ping"]).status == 0)

        // A clean stop removes the socket.
        let stopped = await harness.daemon?.stop()
        #expect(stopped == 0)
        #expect(!FileManager.default.fileExists(atPath: harness.socketPath))
        await harness.stop()
    }

    @Test func aDaemonThatIsNotRunningIsExit9() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let result = try await harness.replayctl(["ping", "-o", "json"])
        #expect(result.status == 9)
        #expect(
            (result.json?["error"] as? String)?.contains("replayd is not reachable at \(harness.socketPath)") == true
        )
    }

    @Test func upstreamDownIsAClearErrorWithExit10() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let refusing = try RefusingPort()
        let upstream = "http://127.0.0.1:\(refusing.port)"
        try harness.writeConfig(upstream: upstream)
        try await harness.startDaemon()
        let result = try await harness.replayctl(["replay", "run_failed_1", "-o", "json"])
        #expect(result.status == 10)
        let message = try #require(result.json?["error"] as? String)
        #expect(message.contains(upstream))
        #expect(message.contains("no run was created"))
        #expect((result.json?["status"] as? NSNumber)?.intValue == 502)
        let table = try await harness.replayctl(["replay", "run_failed_1", "-o", "table"])
        #expect(table.status == 10)
        #expect(table.stderr.contains("could not reach Strait at \(upstream)"))
        await harness.stop()
        withExtendedLifetime(refusing) {}
    }

    /// A loopback port bound (so no other test can take it) but not listening: connecting is refused.
    final class RefusingPort {
        let port: Int
        private let fd: Int32

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                    guard bind(fd, pointer, length) == 0 else { return -1 }
                    return getsockname(fd, pointer, &length)
                }
            }
            guard bound == 0 else {
                close(fd)
                throw HarnessError("cannot bind a probe port")
            }
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit { close(fd) }
    }
}
