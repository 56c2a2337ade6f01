import Logging
import ServiceLifecycle

/// The background half of the engine, as a Service: at start it resumes every unfinished record (crash recovery:
/// an attempt with no recorded result is reconciled before anything is re-sent), then sweeps periodically for
/// unfinished records that have no driver (for example after a store failure stopped one). The drivers it starts
/// run in ``ReplayDriverService``.
public struct ReplayWorker: Service {
    private let engine: ReplayEngine
    private let clock: any ReplayClock
    private let sweepInterval: Duration
    private let logger: Logger

    /// Creates the worker.
    public init(engine: ReplayEngine, clock: any ReplayClock, sweepInterval: Duration = .seconds(5), logger: Logger) {
        self.engine = engine
        self.clock = clock
        self.sweepInterval = sweepInterval
        self.logger = logger
    }

    public func run() async throws {
        do {
            let resumed = try await engine.resumeUnfinished()
            if resumed > 0 {
                logger.notice("crash recovery: resuming unfinished replays", metadata: ["count": "\(resumed)"])
            }
        } catch {
            logger.error("crash recovery could not read the state store", metadata: ["error": "\(error)"])
        }
        await release()
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // The next sweep, or at once after a resume.
                let gate = engine.pause
                let slept = await withTaskGroup(of: Bool.self) { group in
                    group.addTask { [clock, sweepInterval] in (try? await clock.sleep(for: sweepInterval)) != nil }
                    group.addTask {
                        await gate.resumed.wait()
                        return !Task.isCancelled
                    }
                    let first = await group.next() ?? false
                    group.cancelAll()
                    return first
                }
                guard slept, !Task.isCancelled else { return }
                await release()
                do {
                    let started = try await engine.resumeUnfinished()
                    if started > 0 {
                        logger.notice("resumed replays that had no driver", metadata: ["count": "\(started)"])
                    }
                } catch {
                    logger.error("sweep could not read the state store", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Releases held replays whose pause has ended (``ReplayEngine/releaseHeld()``), then counts what waits.
    private func release() async {
        do {
            try await engine.releaseHeld()
            try await engine.refreshRecordCounts()
        } catch {
            logger.error("could not release or count held replays", metadata: ["error": "\(error)"])
        }
    }
}
