import Audit
import Foundation
import UnixSignals

extension AuditTailCommand {
    /// `-f`: polls for new records every 200 ms and hands each non-empty batch to `emit` (flushed at once), until
    /// SIGINT or SIGTERM arrives (`nil`) or a poll fails (its error). One loop for the single log and the merged
    /// logs, whose readers differ only in the entries they return.
    static func follow<Entry>(
        until signals: UnixSignalsSequence,
        poll: () throws(AuditFiles.IOError) -> [Entry],
        emit: ([Entry]) -> Void
    ) async -> AuditFiles.IOError? {
        await withTaskGroup(of: Bool.self) { group -> AuditFiles.IOError? in
            // `true` from this child: a signal arrived. `false` from a tick child: time to poll again.
            group.addTask {
                for await _ in signals { break }
                return true
            }
            while true {
                let batch: [Entry]
                do throws(AuditFiles.IOError) {
                    batch = try poll()
                } catch {
                    group.cancelAll()
                    return error
                }
                if !batch.isEmpty {
                    emit(batch)
                    fflush(nil)
                    continue
                }
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(200))
                    return false
                }
                if await group.next() != false {
                    group.cancelAll()
                    return nil
                }
            }
        }
    }
}
