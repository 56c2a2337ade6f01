import Logging
import ServiceLifecycle
import UnixSignals

/// Logs and ignores SIGHUP until replayd can reload its configuration. Without it, SIGHUP's default action killed
/// the daemon (exit 129) without a graceful shutdown, leaving the socket file behind.
struct HangupService: Service {
    private let signals: UnixSignalsSequence
    private let logger: Logger

    private init(signals: UnixSignalsSequence, logger: Logger) {
        self.signals = signals
        self.logger = logger
    }

    /// Traps SIGHUP now, before any service starts: from here on a SIGHUP is logged, never fatal.
    static func trapping(logger: Logger) async -> HangupService {
        HangupService(signals: await UnixSignalsSequence(trapping: .sighup), logger: logger)
    }

    func run() async throws {
        let signals = self.signals
        let logger = self.logger
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                logger.notice(
                    """
                    SIGHUP received and ignored: replayd does not reload its configuration yet; restart it \
                    (systemctl restart replayd) to apply changes
                    """,
                    metadata: ["signal": "SIGHUP"]
                )
            }
        }
    }
}
