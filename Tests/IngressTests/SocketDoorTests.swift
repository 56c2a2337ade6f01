import Foundation
import Ingress
import ReplayCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketDoorTests {
    @Test func socketIsBorn0660InA0750DirectoryAndUnlinkedOnShutdown() async throws {
        let harness = try SocketDoorHarness()
        defer { harness.cleanUp() }
        await harness.start()
        var info = stat()
        #expect(lstat(harness.socketPath, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_mode & 0o777 == 0o660)
        var directoryInfo = stat()
        #expect(stat(harness.directory + "/sock", &directoryInfo) == 0)
        #expect(directoryInfo.st_mode & 0o777 == 0o750)
        try await harness.stop()
        #expect(lstat(harness.socketPath, &info) != 0)
    }

    @Test func aSecondServerOnTheSamePathIsRefused() async throws {
        let first = try SocketDoorHarness()
        defer { first.cleanUp() }
        await first.start()
        #expect {
            _ = try SocketPathGuard(socketPath: first.socketPath, groupID: nil)
        } throws: { error in
            guard let error = error as? SocketServerError else { return false }
            return error.code == .alreadyRunning && error.message.contains("already running")
        }
        // The first server is unaffected.
        let response = try await RawSocketClient.request(path: first.socketPath, "GET", "/v1/_ping")
        #expect(response.status == 200)
        try await first.stop()
    }

    @Test func aStaleSocketIsReplacedButARegularFileIsNot() async throws {
        let directory = SocketDoorHarness.newDirectory()
        defer { _ = try? FileManager.default.removeItem(atPath: directory) }
        let first = try SocketDoorHarness(directory: directory)
        await first.start()
        try await first.stop()
        // Leave a stale socket behind, as a crash would.
        let staleFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in first.socketPath.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(staleFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(staleFD)
        #expect(bound == 0)
        let second = try SocketDoorHarness(directory: directory)
        await second.start()
        #expect(try await RawSocketClient.request(path: second.socketPath, "GET", "/v1/_ping").status == 200)
        try await second.stop()

        _ = FileManager.default.createFile(atPath: second.socketPath, contents: Data("not a socket".utf8))
        #expect {
            _ = try SocketPathGuard(socketPath: second.socketPath, groupID: nil)
        } throws: { error in
            (error as? SocketServerError)?.code == .pathOccupied
        }
        #expect(FileManager.default.fileExists(atPath: second.socketPath))
    }

    @Test func anUnmappedUIDGets403BeforeTheBodyIsRead() async throws {
        let harness = try SocketDoorHarness(mappings: [
            PrincipalConfig(name: "someone-else", unixUIDs: [getuid() &+ 4242])
        ]
        )
        defer { harness.cleanUp() }
        await harness.start()
        let socketPath = harness.socketPath
        let (response, closed) = try await RawSocketClient.offload {
            let client = try RawSocketClient(path: socketPath)
            // Announce a body and never send it: the answer must come anyway.
            try client.send("POST /v1/runs/run_failed_1/replay HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
            return (try client.readResponse(), client.readsEOF())
        }
        #expect(response.status == 403)
        #expect(response.errorCode == "unknown_peer")
        #expect(response.errorMessage?.contains("uid \(getuid())") == true)
        #expect(closed)
        #expect(harness.upstreamURLs.isEmpty)
        // Ping stays open to everyone.
        #expect(try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/_ping").status == 200)
        try await harness.stop()
    }

    @Test func peerCredentialsAreTheKernelsAndGroupsMap() async throws {
        let harness = try SocketDoorHarness(mappings: [
            PrincipalConfig(name: "by-group", unixGroups: [String(getgid())])
        ])
        defer { harness.cleanUp() }
        await harness.start()
        let response = try await RawSocketClient.request(path: harness.socketPath, "GET", "/v1/gateway/status")
        #expect(response.status == 200)
        let json = try #require(response.json)
        #expect(json["principal"] as? String == "by-group")
        let peer = try #require(json["peer"] as? [String: Any])
        #expect((peer["uid"] as? NSNumber)?.uint32Value == getuid())
        #expect((peer["gid"] as? NSNumber)?.uint32Value == getgid())
        #expect((peer["pid"] as? NSNumber)?.int32Value == getpid())
        #expect(response.headers["api-version"] == "1")
        #expect(response.headers["x-request-id"]?.hasPrefix("rq_") == true)
        try await harness.stop()
    }

    @Test func oversizedHeadsGet431() async throws {
        let harness = try SocketDoorHarness(configure: { $0.http.maxHeaderBytes = 1024 })
        defer { harness.cleanUp() }
        await harness.start()
        let response = try await RawSocketClient.request(
            path: harness.socketPath,
            "GET",
            "/v1/_ping",
            headers: ["X-Filler": String(repeating: "a", count: 4096)]
        )
        #expect(response.status == 431)
        #expect(response.errorCode == "request_header_fields_too_large")
        try await harness.stop()
    }

    @Test func oversizedBodiesGet413() async throws {
        let harness = try SocketDoorHarness(configure: { $0.http.maxBodyBytes = 64 })
        defer { harness.cleanUp() }
        await harness.start()
        let declared = try await RawSocketClient.request(
            path: harness.socketPath,
            "POST",
            "/v1/runs/r/replay",
            body: String(repeating: "x", count: 65)
        )
        #expect(declared.status == 413)
        let socketPath = harness.socketPath
        let chunked = try await RawSocketClient.offload {
            let client = try RawSocketClient(path: socketPath)
            try client.send("POST /v1/runs/r/replay HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send("40\r\n" + String(repeating: "y", count: 64) + "\r\n")
            try client.send("1\r\nz\r\n0\r\n\r\n")
            return try client.readResponse()
        }
        #expect(chunked.status == 413)
        #expect(chunked.errorCode == "payload_too_large")
        #expect(harness.upstreamURLs.isEmpty)
        try await harness.stop()
    }

    @Test func anIncompleteRequestGets408() async throws {
        let harness = try SocketDoorHarness(configure: { $0.http.readTimeout = .milliseconds(200) })
        defer { harness.cleanUp() }
        await harness.start()
        let socketPath = harness.socketPath
        let response = try await RawSocketClient.offload {
            let client = try RawSocketClient(path: socketPath)
            try client.send("GET /v1/_ping HTTP/1.1\r\nHost: x\r\n")
            return try client.readResponse()
        }
        #expect(response.status == 408)
        #expect(response.errorCode == "request_timeout")
        try await harness.stop()
    }

    @Test func connectionsOverTheLimitGet503() async throws {
        let harness = try SocketDoorHarness(configure: {
            $0.http.maxConnections = 1
            // The holder's head never ends: no deadline may close it while the test runs, however loaded the machine.
            $0.http.headTimeout = .seconds(3600)
            $0.http.readTimeout = .seconds(3600)
        })
        defer { harness.cleanUp() }
        await harness.start()
        let socketPath = harness.socketPath
        // The holder is in the middle of a request, so it is not an idle keep-alive the new connection could
        // reclaim (idle ones are: see HTTPCoreTests).
        let holder = try await RawSocketClient.offload {
            let holder = try RawSocketClient(path: socketPath)
            try holder.send("GET /v1/_ping HTTP/1.1\r\nHost: x\r\n")
            return HeldConnection(holder)
        }
        try await harness.waitForConnections(1)
        let second = try await RawSocketClient.request(path: socketPath, "GET", "/v1/_ping")
        withExtendedLifetime(holder) {}
        #expect(second.status == 503)
        #expect(second.errorCode == "service_unavailable")
        try await harness.stop()
    }
}
