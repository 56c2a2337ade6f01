import ServiceLifecycle

/// The auditor's background work: writes aggregated denial counts when their interval ends (even if no further
/// denial arrives), and on graceful shutdown writes what is still counted and the `stop` record. List it right
/// after the audit log in the service group, so it stops after every door and before the log closes.
public struct AuditTrailService: Service {
    private let auditor: ReplayAuditor
    private let clock: any ReplayClock
    private let interval: Duration

    /// Creates a flusher that looks every `interval`.
    public init(auditor: ReplayAuditor, clock: any ReplayClock, interval: Duration) {
        self.auditor = auditor
        self.clock = clock
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await clock.sleep(for: interval)
                } catch {
                    break
                }
                await auditor.flushDenials()
            }
        }
        await auditor.flushDenials(force: true)
        await auditor.lifecycle("stop")
    }
}
