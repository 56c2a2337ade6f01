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
            let failure = await Self.follow(
                until: signals,
                poll: { () throws(AuditFiles.IOError) in try reader.poll() },
                emit: { emitMerged($0, format) }
            )
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
