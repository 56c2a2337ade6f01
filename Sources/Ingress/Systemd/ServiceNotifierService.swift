import Logging
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Tells the service manager how the daemon is doing, as a ServiceLifecycle `Service`: `READY=1` once every
/// listener accepts connections, `WATCHDOG=1` at half the manager's watchdog interval while running, and
/// `STOPPING=1` when graceful shutdown begins. List it last in the group, so that it hears of shutdown first.
public struct ServiceNotifierService: Service {
    private let notifier: ServiceNotifier
    private let whenReady: @Sendable () async throws -> Void
    private let status: String
    private let logger: Logger

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - notifier: where the messages go (does nothing without `NOTIFY_SOCKET`).
    ///   - whenReady: returns once the daemon serves (every listener bound); throws if it never will.
    ///   - status: the `STATUS=` text sent with `READY=1`.
    ///   - logger: where a failed send is logged.
    public init(
        notifier: ServiceNotifier,
        whenReady: @escaping @Sendable () async throws -> Void,
        status: String,
        logger: Logger
    ) {
        self.notifier = notifier
        self.whenReady = whenReady
        self.status = status
        self.logger = logger
    }

    public func run() async throws {
        try await whenReady()
        send("READY=1\nSTATUS=\(status)\nMAINPID=\(getpid())")
        if let interval = notifier.watchdogInterval {
            let notifier = notifier
            let logger = logger
            await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    if let failure = notifier.send("WATCHDOG=1") {
                        logger.warning("cannot notify the service manager", metadata: ["error": "\(failure)"])
                    }
                    try? await Task.sleep(for: interval / 2)
                }
            }
        } else {
            try? await gracefulShutdown()
        }
        send("STOPPING=1\nSTATUS=stopping")
    }

    private func send(_ message: String) {
        guard let failure = notifier.send(message) else { return }
        logger.warning("cannot notify the service manager", metadata: ["error": "\(failure)"])
    }
}
