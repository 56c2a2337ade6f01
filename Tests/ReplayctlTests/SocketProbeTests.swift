import Foundation
import ReplayctlKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `SocketProbe` on real paths: each problem is told apart.
@Suite struct SocketProbeTests {
    private func directory() throws -> String {
        let path = "/tmp/replayctl-probe-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aMissingPathIsNoSocket() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(SocketProbe.diagnose(path: dir + "/replayd.sock") == .noSocket)
        #expect(SocketProbe.diagnose(path: dir + "/missing/replayd.sock") == .noSocket)
    }

    @Test func aFileOrADirectoryIsNotASocket() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "x".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        #expect(SocketProbe.diagnose(path: dir + "/file") == .notASocket(kind: "a regular file"))
        #expect(SocketProbe.diagnose(path: dir) == .notASocket(kind: "a directory"))
    }

    @Test func aSocketNobodyListensOnIsStaleAndAListeningOneIsFine() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stale = try TestUnixSocket(path: dir + "/stale.sock", listen: false)
        #expect(SocketProbe.diagnose(path: stale.path) == .nobodyListening)
        let live = try TestUnixSocket(path: dir + "/live.sock", listen: true)
        #expect(SocketProbe.diagnose(path: live.path) == nil)
        withExtendedLifetime((stale, live)) {}
    }

    @Test func aPathTooLongForASocketAddressIsSaidSo() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try TestUnixSocket(path: dir + "/live.sock", listen: true)
        let long = dir + String(repeating: "/.", count: 60) + "/live.sock"
        #expect(SocketProbe.diagnose(path: long) == .pathTooLong)
        withExtendedLifetime(live) {}
    }
}

/// A Unix socket bound at `path`, listening or not; closed and removed on deinit.
final class TestUnixSocket: @unchecked Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String, listen shouldListen: Bool) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard descriptor >= 0, bound == 0 else { throw TestSocketError(errno: errno) }
        if shouldListen { guard listen(descriptor, 16) == 0 else { throw TestSocketError(errno: errno) } }
    }

    deinit {
        close(descriptor)
        unlink(path)
    }
}

struct TestSocketError: Error {
    let errno: Int32
}
