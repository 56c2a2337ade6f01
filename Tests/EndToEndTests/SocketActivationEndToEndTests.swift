import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// systemd integration with the real binary, as systemd would start it: the listeners are made here and passed as
/// descriptors 3 and 4 with `LISTEN_FDS`, `LISTEN_PID` (the child's own pid, through `sh -c 'LISTEN_PID=$$ exec …'`)
/// and `LISTEN_FDNAMES`, and `NOTIFY_SOCKET` names a datagram socket this test reads.
@Suite(.timeLimit(.minutes(10))) struct SocketActivationEndToEndTests {
    @Test func replaydServesOnInheritedListenersNotifiesReadyAndLeavesTheSocketAlone() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig(
            webhooks: """
                [webhooks]
                listen = "127.0.0.1:0"

                [[sources]]
                name = "gh"
                kind = "github"
                [[sources.keys]]
                id = "k1"
                secret_env = "GH_SECRET"
                """
        )
        let runDirectory = (harness.socketPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: runDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750]
        )
        let door = try TestSockets.unixListener(at: harness.socketPath)
        defer { close(door) }
        let inode = TestSockets.inode(harness.socketPath)
        let (webhooks, port) = try TestSockets.tcpListener()
        defer { close(webhooks) }
        // An abstract address, as systemd uses for NOTIFY_SOCKET.
        let notifyName = "@replayd-e2e-notify-\(UUID().uuidString.prefix(12))"
        let notify = try TestSockets.datagramReceiver(at: notifyName)
        defer { close(notify) }

        let daemon = try ManagedProcess(
            name: "daemon-activated",
            executable: "/bin/sh",
            arguments: [
                "-c", #"LISTEN_PID=$$ exec "$0" "$@""#, EndToEndHarness.replayd, "serve", "--config",
                harness.configPath,
            ],
            environment: [
                "PATH": "/usr/bin:/bin", "STRAIT_API_KEY": EndToEndHarness.demoKey, "GH_SECRET": "gh-secret-e2e",
                "LISTEN_FDS": "2", "LISTEN_FDNAMES": "socket:webhooks", "NOTIFY_SOCKET": notifyName,
                "WATCHDOG_USEC": "2000000",
            ],
            directory: harness.directory,
            inheritedDescriptors: [door, webhooks]
        )
        var received: [String] = []
        func waitFor(_ line: String) async -> Bool {
            let deadline = ContinuousClock.now + EndToEndHarness.hangGuard
            while ContinuousClock.now < deadline {
                received += TestSockets.receiveAvailable(notify)
                if received.contains(where: { $0.split(separator: "\n").contains(Substring(line)) }) { return true }
                if !daemon.isRunning { return false }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        #expect(await waitFor("READY=1"), "notify messages: \(received); stderr: \(daemon.stderr.suffix(3000))")
        #expect(received.contains { $0.contains("MAINPID=\(daemon.pid)") }, "READY names the daemon's pid")

        // The socket door answers on the inherited socket, which is still the file this test made.
        let ping = try await harness.socketRequest("GET", "/v1/_ping")
        #expect(ping.status == 200, "ping: \(ping)")
        #expect(TestSockets.inode(harness.socketPath) == inode, "replayd did not replace the inherited socket")
        #expect(daemon.stderr.contains("listening on inherited unix socket"))

        // The webhook listener answers on the inherited TCP port (the config's port 0 was not bound).
        let unsigned = try await harness.run(
            "/usr/bin/curl",
            [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "600", "-X", "POST",
                "-H", "Content-Type: application/json", "--data-binary", "{}", "http://127.0.0.1:\(port)/hooks/gh",
            ]
        )
        #expect(unsigned.stdout == "401", "unsigned webhook: \(unsigned.stdout) \(unsigned.stderr)")

        #expect(await waitFor("WATCHDOG=1"), "notify messages: \(received)")

        kill(daemon.pid, SIGTERM)
        #expect(await daemon.waitForExit() == 0, "stderr: \(daemon.stderr.suffix(3000))")
        received += TestSockets.receiveAvailable(notify)
        #expect(received.contains { $0.split(separator: "\n").contains("STOPPING=1") }, "notify: \(received)")
        // The socket belongs to the service manager: it is still there and still listening (the next start of
        // replayd gets the connections queued meanwhile).
        #expect(TestSockets.inode(harness.socketPath) == inode, "the inherited socket was not unlinked")
        #expect(TestSockets.connects(to: harness.socketPath), "the inherited socket still takes connections")
        #expect(!harness.everythingWritten.contains("gh-secret-e2e"))
        await harness.stop()
    }

    @Test func listenPIDOfAnotherProcessIsIgnoredAndReplaydBindsItself() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        // LISTEN_PID names the parent (as after a fork without exec fixing it): the variables are not ours.
        try await harness.startDaemon(environment: ["LISTEN_FDS": "1", "LISTEN_PID": "1", "LISTEN_FDNAMES": "socket"])
        let ping = try await harness.socketRequest("GET", "/v1/_ping")
        #expect(ping.status == 200)
        #expect(harness.daemon?.stderr.contains("listening on unix socket") == true)
        #expect(await harness.daemon?.stop() == 0)
        #expect(TestSockets.inode(harness.socketPath) == nil, "a socket replayd bound itself is unlinked at stop")
        await harness.stop()
    }

    /// A door that cannot listen ends the daemon with exit 1 and sends no READY=1 (the notifier, waiting for the
    /// listeners, must not hold the stopping group open).
    @Test func aSocketPathThatIsNotASocketFailsTheStartWithoutReady() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig()
        let runDirectory = (harness.socketPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: runDirectory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750]
        )
        try Data("not a socket".utf8).write(to: URL(fileURLWithPath: harness.socketPath))
        let notifyName = "@replayd-e2e-notready-\(UUID().uuidString.prefix(12))"
        let notify = try TestSockets.datagramReceiver(at: notifyName)
        defer { close(notify) }
        let daemon = try ManagedProcess(
            name: "daemon-occupied",
            executable: EndToEndHarness.replayd,
            arguments: ["serve", "--config", harness.configPath],
            environment: [
                "PATH": "/usr/bin:/bin", "STRAIT_API_KEY": EndToEndHarness.demoKey, "NOTIFY_SOCKET": notifyName,
            ],
            directory: harness.directory
        )
        #expect(await daemon.waitForExit() == 1, "stderr: \(daemon.stderr.suffix(2000))")
        #expect(daemon.stderr.contains("is not a socket"))
        let messages = TestSockets.receiveAvailable(notify)
        #expect(!messages.contains { $0.contains("READY=1") }, "notify: \(messages)")
        #expect(FileManager.default.fileExists(atPath: harness.socketPath), "the file is left alone")
        await harness.stop()
    }
}
