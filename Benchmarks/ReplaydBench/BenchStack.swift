import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The processes a benchmark runs against: `replayd simulate` on an ephemeral port and `replayd serve` with a
/// generated config in a temp dir. Both are the real binaries (build them with `-c release`).
final class BenchStack {
    static let demoKey = "strait_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

    let directory: String
    let socketPath: String
    private(set) var simulatorURL = ""
    private var simulator: Process?
    private var daemon: Process?

    init() throws {
        directory = NSTemporaryDirectory() + "replayd-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        socketPath = directory + "/replayd.sock"
    }

    /// Starts both processes.
    ///
    /// - Parameters:
    ///   - fixtures: a fixtures JSON file for the simulator instead of its built-in demo data.
    ///   - extraConfig: TOML appended to the daemon's config (`[webhooks]`, `[[sources]]`, more `[[principals]]`).
    ///   - socketConfig: more `[socket]` keys.
    ///   - environment: more environment variables for the daemon (the sources' `secret_env`).
    ///   - daemonLog: where the daemon's stderr goes; `nil` discards it.
    func start(
        replayd: String,
        logLevel: String,
        keyRateLimit: Int = 0,
        fixtures: String? = nil,
        extraConfig: String = "",
        socketConfig: String = "",
        environment: [String: String] = [:],
        daemonLog: String? = nil
    ) throws {
        let stdout = Pipe()
        let simulator = Process()
        simulator.executableURL = URL(fileURLWithPath: replayd)
        simulator.arguments =
            [
                "simulate", "--listen", "127.0.0.1:0", "--ip-rate-limit", "0", "--key-rate-limit",
                String(keyRateLimit), "--no-auth-lockout", "--log-level", "error",
            ] + (fixtures.map { ["--fixtures", $0] } ?? [])
        simulator.standardOutput = stdout
        simulator.standardError = FileHandle.standardError
        try simulator.run()
        self.simulator = simulator
        var text = ""
        while !text.contains("\n") {
            let data = stdout.fileHandleForReading.availableData
            guard !data.isEmpty else { throw BenchError("the simulator exited before listening") }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: "http://") else { throw BenchError("unexpected simulator output: \(text)") }
        simulatorURL = String(text[range.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)

        let config = """
            [upstream]
            base_url = "\(simulatorURL)"
            api_key_env = "STRAIT_API_KEY"
            [socket]
            path = "\(socketPath)"
            max_connections = 4096
            \(socketConfig)
            [state]
            dir = "\(directory)/state"
            [log]
            level = "\(logLevel)"
            [replays]
            coalesce_window = "0s"
            wait = "10m"
            deadline = "1h"
            [limits]
            per_principal = "1000000000 per 1s, burst 1000000000"
            per_source = "1000000000 per 1s, burst 1000000000"
            per_run = "1000000000 per 1s, burst 1000000000"
            global = "1000000000 per 1s, burst 1000000000"
            reads_per_principal = "1000000000 per 1s, burst 1000000000"
            max_in_flight_per_principal = 65536
            [[principals]]
            name = "bench"
            unix_uids = [\(getuid())]
            [[grants]]
            name = "bench"
            to = ["bench"]
            allow = ["replay", "replay_from_checkpoint", "force", "bulk", "read", "resolve"]
            """ + (extraConfig.isEmpty ? "" : "\n" + extraConfig)
        try config.write(toFile: directory + "/replayd.toml", atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: replayd)
        daemon.arguments = ["serve", "--config", directory + "/replayd.toml"]
        daemon.environment = environment.merging(["STRAIT_API_KEY": Self.demoKey, "PATH": "/usr/bin:/bin"]) {
            $1
        }
        daemon.standardOutput = FileHandle.nullDevice
        if let daemonLog {
            guard FileManager.default.createFile(atPath: daemonLog, contents: nil) else {
                throw BenchError("cannot create \(daemonLog)")
            }
        }
        daemon.standardError = FileHandle(forWritingAtPath: daemonLog ?? "/dev/null")
        try daemon.run()
        self.daemon = daemon
        for _ in 0..<2000 where !FileManager.default.fileExists(atPath: socketPath) {
            usleep(5000)
        }
        guard FileManager.default.fileExists(atPath: socketPath) else { throw BenchError("replayd did not start") }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it; the socket is closed again).
    static func freeTCPPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot bind 127.0.0.1:0: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until something accepts TCP connections on 127.0.0.1:`port`.
    static func waitForListener(port: Int, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw BenchError("socket() failed: errno \(errno)") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(descriptor)
            if connected { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw BenchError("nothing listens on 127.0.0.1:\(port) after \(timeout)")
    }

    func stop() {
        for process in [daemon, simulator].compactMap({ $0 }) where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
