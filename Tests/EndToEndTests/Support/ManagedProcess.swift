import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A child process whose stdout and stderr go to files in the test's directory, so tests can wait for lines,
/// read everything it wrote, and grep it for secrets.
///
/// It uses `posix_spawn` directly: Foundation's `Process.run()` crashed intermittently (in `memmove`) when the test
/// runner launched many processes from a busy, many-threaded test process.
final class ManagedProcess: @unchecked Sendable {
    let name: String
    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// - Parameter inheritedDescriptors: descriptors the child gets as 3, 4, … (socket activation, as systemd
    ///   passes listeners); every other descriptor of the test process stays closed in the child.
    init(
        name: String,
        executable: String,
        arguments: [String],
        environment: [String: String],
        directory: String,
        inheritedDescriptors: [Int32] = []
    ) throws {
        self.name = name
        stdoutPath = "\(directory)/\(name).stdout"
        stderrPath = "\(directory)/\(name).stderr"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Copies above the target range first, so dup2 onto 3, 4, … never overwrites a source still to be copied;
        // dup2 clears close-on-exec on the target.
        let sources = inheritedDescriptors.map { fcntl($0, F_DUPFD_CLOEXEC, 64) }
        defer { for source in sources where source >= 0 { close(source) } }
        for (offset, source) in sources.enumerated() {
            guard source >= 0 else { throw HarnessError("cannot copy descriptor \(inheritedDescriptors[offset])") }
            posix_spawn_file_actions_adddup2(&actions, source, 3 + Int32(offset))
        }
        // Don't leak the test process's sockets (servers, probe ports) into long-lived children.
        // (glibc ≥ 2.34 has `posix_spawn_file_actions_addclosefrom_np`; Swift's Glibc module does not import it.)
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3 + Int32(inheritedDescriptors.count))
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw HarnessError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// The exit status once the process has ended (128 + signal for a signal), else `nil`.
    func poll() -> Int32? {
        lock.withLock {
            if let exitStatus { return exitStatus }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            let signal = status & 0x7F
            exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            return exitStatus
        }
    }

    var isRunning: Bool { poll() == nil }

    /// Waits (without blocking a cooperative thread) until `predicate` holds for stdout, the process exits, or the
    /// safety limit passes. The limit guards against a hung child; it is not a timing assertion.
    /// Waits up to `limit` for stderr (where replayd logs) to satisfy `predicate`.
    func waitForStderr(
        limit: Duration = EndToEndHarness.hangGuard,
        _ predicate: @escaping @Sendable (String) -> Bool
    ) async -> String? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let text = stderr
            if predicate(text) { return text }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    func waitForOutput(
        limit: Duration = EndToEndHarness.hangGuard,
        _ predicate: @escaping @Sendable (String) -> Bool
    ) async -> String? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let text = stdout
            if predicate(text) { return text }
            if !isRunning { return predicate(stdout) ? stdout : nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Waits for exit and returns the status. A process still running after `limit` (a hang guard, not a timing
    /// assertion) is killed with SIGKILL, and the test records the hang.
    func waitForExit(limit: Duration = .seconds(600)) async -> Int32 {
        let deadline = ContinuousClock.now + limit
        var killed = false
        while true {
            if let status = poll() { return status }
            if !killed, ContinuousClock.now >= deadline {
                Issue.record("\(name) did not exit within \(limit); killed")
                kill(pid, SIGKILL)
                killed = true
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// SIGTERM, then wait.
    func stop() async -> Int32 {
        if isRunning { kill(pid, SIGTERM) }
        return await waitForExit()
    }

    deinit {
        if poll() == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}
