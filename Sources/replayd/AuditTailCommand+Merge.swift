import ArgumentParser
import Audit
import Foundation
import UnixSignals

extension AuditTailCommand {
    /// Several `--dir`: the logs merged in time order (``AuditMergedReader``), with an instance column in the
    /// table; with -f, each poll's new records merged the same way.
    func tailMerged(directories: [String], filter: AuditTailFilter, format: Format) async throws {
        var reader = AuditMergedReader(
            sources: directories.map { AuditMergedReader.Source(directory: $0) },
            filter: filter
        )
        let signals = follow ? await UnixSignalsSequence(trapping: .sigint, .sigterm) : nil
        if format == .table { print(AuditTable.mergedHeader) }
        do throws(AuditFiles.IOError) {
            var kept: [AuditMergedReader.Entry] = []
            while let entry = try reader.next() {
                guard let lines else {
                    emitMerged([entry], format)
                    continue
                }
                kept.append(entry)
                if kept.count > lines { kept.removeFirst(kept.count - lines) }
            }
            emitMerged(kept, format)
            fflush(nil)
            guard let signals else { return }
            let failure = await withTaskGroup(of: Bool.self) { group -> AuditFiles.IOError? in
                // `true` from this child: a signal arrived. `false` from a tick child: time to poll again.
                group.addTask {
                    for await _ in signals { break }
                    return true
                }
                while true {
                    let batch: [AuditMergedReader.Entry]
                    do throws(AuditFiles.IOError) {
                        batch = try reader.poll()
                    } catch {
                        group.cancelAll()
                        return error
                    }
                    if !batch.isEmpty {
                        emitMerged(batch, format)
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
            if let failure { throw failure }
        } catch {
            fflush(nil)
            throw AuditCommand.failure("tail", error.description)
        }
    }

    private func emitMerged(_ entries: [AuditMergedReader.Entry], _ format: Format) {
        for entry in entries {
            switch format {
            case .table: print(AuditTable.row(entry.entry.record, instance: entry.instance))
            case .json: print(String(decoding: entry.entry.line, as: UTF8.self))
            }
        }
    }
}
