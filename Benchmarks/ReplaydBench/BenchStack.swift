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

    func start(replayd: String, logLevel: String, keyRateLimit: Int = 0) throws {
        let stdout = Pipe()
        let simulator = Process()
        simulator.executableURL = URL(fileURLWithPath: replayd)
        simulator.arguments = [
            "simulate", "--listen", "127.0.0.1:0", "--ip-rate-limit", "0", "--key-rate-limit", String(keyRateLimit),
            "--no-auth-lockout", "--log-level", "error",
        ]
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
            [state]
            dir = "\(directory)/state"
            [log]
            level = "\(logLevel)"
            [replays]
            coalesce_window = "0s"
            wait = "10m"
            deadline = "1h"
            [[principals]]
            name = "bench"
            unix_uids = [\(getuid())]
            """
        try config.write(toFile: directory + "/replayd.toml", atomically: true, encoding: .utf8)
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: replayd)
        daemon.arguments = ["serve", "--config", directory + "/replayd.toml"]
        daemon.environment = ["STRAIT_API_KEY": Self.demoKey, "PATH": "/usr/bin:/bin"]
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try daemon.run()
        self.daemon = daemon
        for _ in 0..<2000 where !FileManager.default.fileExists(atPath: socketPath) {
            usleep(5000)
        }
        guard FileManager.default.fileExists(atPath: socketPath) else { throw BenchError("replayd did not start") }
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
