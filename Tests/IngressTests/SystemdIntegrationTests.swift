import Foundation
import Ingress
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Reading systemd's socket-activation variables, and `sd_notify` datagrams received on a real socket (a path and
/// an abstract address), without libsystemd.
@Suite struct SystemdIntegrationTests {
    @Test func namedListenersAreAdoptedByRoleOnlyForThisProcess() throws {
        let environment = ["LISTEN_FDS": "3", "LISTEN_PID": "4242", "LISTEN_FDNAMES": "socket:webhooks:metrics-old"]
        let activation = try ListenerActivation.parse(environment: environment, pid: 4242) { _ in false }
        #expect(activation.descriptor(for: .socket) == 3)
        #expect(activation.descriptor(for: .webhooks) == 4)
        #expect(activation.descriptor(for: .admin) == nil)
        #expect(activation.ignored == [.init(name: "metrics-old", descriptor: 5)])

        let someoneElse = try ListenerActivation.parse(environment: environment, pid: 1) { _ in false }
        #expect(someoneElse.isEmpty, "LISTEN_PID names another process: the variables were inherited")
        #expect(try ListenerActivation.parse(environment: [:], pid: 4242).isEmpty)
    }

    @Test func anUnnamedUnixSocketIsTheDoorAndMalformedVariablesAreErrors() throws {
        let unnamed = try ListenerActivation.parse(
            environment: ["LISTEN_FDS": "1", "LISTEN_PID": "7", "LISTEN_FDNAMES": "replayd.socket"],
            pid: 7
        ) { $0 == 3 }
        #expect(unnamed.descriptor(for: .socket) == 3)

        #expect(throws: ListenerActivationError.self) {
            try ListenerActivation.parse(environment: ["LISTEN_FDS": "two", "LISTEN_PID": "7"], pid: 7)
        }
        #expect(throws: ListenerActivationError.self) {
            try ListenerActivation.parse(
                environment: ["LISTEN_FDS": "2", "LISTEN_PID": "7", "LISTEN_FDNAMES": "socket"],
                pid: 7
            )
        }
        #expect(throws: ListenerActivationError.self) {
            try ListenerActivation.parse(
                environment: ["LISTEN_FDS": "2", "LISTEN_PID": "7", "LISTEN_FDNAMES": "socket:socket"],
                pid: 7
            ) { _ in false }
        }
    }

    @Test(arguments: [false, true]) func notifyMessagesArriveOnAPathOrAnAbstractSocket(abstract: Bool) throws {
        let name =
            abstract
            ? "@replayd-notify-test-\(UUID().uuidString.prefix(12))"
            : "/tmp/replayd-notify-\(UUID().uuidString.prefix(8)).sock"
        let receiver = try DatagramReceiver(name)
        defer { receiver.close() }
        let notifier = ServiceNotifier(
            environment: ["NOTIFY_SOCKET": name, "WATCHDOG_USEC": "3000000"],
            pid: getpid()
        )
        #expect(notifier.isActive)
        #expect(notifier.watchdogInterval == .seconds(3))
        #expect(notifier.send("READY=1\nSTATUS=serving") == nil)
        #expect(notifier.send("STOPPING=1") == nil)
        #expect(receiver.receive() == ["READY=1\nSTATUS=serving", "STOPPING=1"])
    }

    @Test func withoutNotifySocketSendingDoesNothingAndAWatchdogForAnotherPIDIsIgnored() {
        let notifier = ServiceNotifier(environment: ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"], pid: 4242)
        #expect(!notifier.isActive)
        #expect(notifier.watchdogInterval == nil)
        #expect(notifier.send("READY=1") == nil)
    }
}

/// A non-blocking Unix datagram socket bound to a path or an abstract name, as systemd's notify socket is.
private struct DatagramReceiver {
    let descriptor: Int32
    let path: String?

    init(_ name: String) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        self.descriptor = descriptor
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t((MemoryLayout.offset(of: \sockaddr_un.sun_path) ?? 2) + bytes.count + (abstract ? 0 : 1))
        path = abstract ? nil : name
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    }

    /// Everything queued now (the sends above were synchronous, so it is all there).
    func receive() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { return messages }
            messages.append(String(decoding: buffer.prefix(count), as: UTF8.self))
        }
    }

    func close() {
        _ = Glibc.close(descriptor)
        if let path { unlink(path) }
    }
}
