import Logging
import ServiceLifecycle
import UnixSignals

/// Handles SIGHUP (`systemctl reload` sends it through `ExecReload=`): each one runs the reload handler
/// (``ConfigReloader``), or is logged and ignored without one. Without this service, SIGHUP's default action killed
/// the daemon (exit 129) without a graceful shutdown, leaving the socket file behind.
struct HangupService: Service {
    private let signals: UnixSignalsSequence
    private let logger: Logger
    private let onHangup: (@Sendable () async -> Void)?

    private init(signals: UnixSignalsSequence, logger: Logger, onHangup: (@Sendable () async -> Void)?) {
        self.signals = signals
        self.logger = logger
        self.onHangup = onHangup
    }

    /// Traps SIGHUP now, before any service starts: from here on a SIGHUP is handled, never fatal.
    static func trapping(logger: Logger) async -> HangupService {
        HangupService(signals: await UnixSignalsSequence(trapping: .sighup), logger: logger, onHangup: nil)
    }

    /// The same service, running `handler` for each SIGHUP (one at a time, in order).
    func handling(_ handler: @escaping @Sendable () async -> Void) -> HangupService {
        HangupService(signals: signals, logger: logger, onHangup: handler)
    }

    func run() async throws {
        let signals = self.signals
        let logger = self.logger
        let onHangup = self.onHangup
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.notice("SIGHUP received: re-reading the config", metadata: ["signal": "SIGHUP"])
                guard let onHangup else {
                    logger.notice("no reload handler; SIGHUP ignored", metadata: ["signal": "SIGHUP"])
                    continue
                }
                await onHangup()
            }
        }
    }
}
