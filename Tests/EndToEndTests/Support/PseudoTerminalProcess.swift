import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A child process whose stdin, stdout and stderr are one pseudo-terminal, as when a person runs it: it sees a
/// terminal (tables, the progress line) and Ctrl-C written to the terminal reaches it as SIGINT through the line
/// discipline. The master side is read on a dedicated `Thread` (a blocking `read`, never on the cooperative
/// pool) into a buffer tests poll.
final class PseudoTerminalProcess: @unchecked Sendable {
    let pid: pid_t
    private let master: Int32
    private let output = Mutex([UInt8]())
    private let exitStatus = Mutex<Int32?>(nil)
    private let readerDone = Mutex(false)

    /// Starts `executable` in a new session whose controlling terminal is a new pty `columns` wide.
    init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        columns: UInt16 = 200
    ) throws {
        let master = try Self.openMaster()
        let slavePath = try Self.slaveName(master)
        var size = winsize(ws_row: 50, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        self.master = master

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // After setsid (below), opening the slave without O_NOCTTY makes it the controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // POSIX_SPAWN_SETSID is 0x80 in glibc (a GNU extension the Glibc module may not export).
        let setsid: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | setsid))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            close(master)
            throw HarnessError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        let thread = Thread { [self] in readLoop() }
        thread.name = "pty-reader"
        thread.start()
    }

    /// The Glibc module does not import the XSI pty calls; they are looked up in libc itself.
    private static func libc<Function>(_ name: String, as type: Function.Type) throws -> Function {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            throw HarnessError("libc has no \(name)")
        }
        return unsafeBitCast(symbol, to: type)
    }

    /// `posix_openpt`, `grantpt` and `unlockpt`: a new pty master.
    private static func openMaster() throws -> Int32 {
        typealias Open = @convention(c) (Int32) -> Int32
        typealias OnMaster = @convention(c) (Int32) -> Int32
        let master = try libc("posix_openpt", as: Open.self)(O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw HarnessError("posix_openpt: \(String(cString: strerror(errno)))") }
        guard try libc("grantpt", as: OnMaster.self)(master) == 0,
            try libc("unlockpt", as: OnMaster.self)(master) == 0
        else {
            close(master)
            throw HarnessError("grantpt/unlockpt: \(String(cString: strerror(errno)))")
        }
        return master
    }

    /// `ptsname_r`: the slave's path.
    private static func slaveName(_ master: Int32) throws -> String {
        typealias Name = @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32
        var buffer = [CChar](repeating: 0, count: 128)
        let result = try libc("ptsname_r", as: Name.self)(master, &buffer, buffer.count)
        guard result == 0 else { throw HarnessError("ptsname_r: \(String(cString: strerror(result)))") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count > 0 {
                output.withLock { $0 += buffer[0..<count] }
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break  // EIO once the child side is closed.
            }
        }
        readerDone.withLock { $0 = true }
    }

    /// Everything written to the terminal so far.
    var text: String { output.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Types `bytes` on the terminal (`[0x03]` is Ctrl-C).
    func type(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// The exit status once the process has ended (128 + signal for a signal), else `nil`.
    func poll() -> Int32? {
        exitStatus.withLock { exitStatus in
            if let exitStatus { return exitStatus }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            let signal = status & 0x7F
            exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            return exitStatus
        }
    }

    /// Polls until `predicate` holds for the output (true), or the process ends or the hang guard passes (false).
    func waitForText(_ predicate: (String) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + EndToEndHarness.hangGuard
        while ContinuousClock.now < deadline {
            if predicate(text) { return true }
            if poll() != nil { return predicate(text) }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Waits for the exit, then for the reader to drain the terminal; kills the process after the hang guard.
    func waitForExit() async -> Int32 {
        let deadline = ContinuousClock.now + EndToEndHarness.hangGuard
        var status: Int32?
        while status == nil {
            status = poll()
            if status == nil, ContinuousClock.now >= deadline {
                Issue.record("pty child \(pid) did not exit; killed")
                kill(pid, SIGKILL)
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        let drained = ContinuousClock.now + .seconds(30)
        while !readerDone.withLock({ $0 }), ContinuousClock.now < drained {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return status ?? -1
    }

    deinit {
        if poll() == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }
}
