import Audit
import NIOPosix
import ReplayCore

/// The socket door's seam for reading the audit log's last records (`GET /v1/audit`), so that a principal with
/// `audit_read` never needs read access to the files.
public protocol AuditTailSource: Sendable {
    /// The last `count` records that match `filter`, oldest first.
    ///
    /// - Throws: `ReplayError` `service_unavailable` when the log cannot be read.
    func tail(filter: AuditTailFilter, count: Int) async throws(ReplayError) -> [AuditEntry]
}

/// Reads the audit directory with ``AuditReader`` on NIO's blocking-I/O thread pool (never on the cooperative
/// pool: file reads block).
public struct DirectoryAuditTail: AuditTailSource {
    /// The audit log's directory.
    public let directory: String

    /// Creates a reader of `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    public func tail(filter: AuditTailFilter, count: Int) async throws(ReplayError) -> [AuditEntry] {
        let directory = self.directory
        let result: Result<[AuditEntry], AuditFiles.IOError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive {
                var reader = AuditReader(directory: directory, filter: filter)
                var kept: [AuditEntry] = []
                do throws(AuditFiles.IOError) {
                    while case let batch = try reader.poll(), !batch.isEmpty {
                        kept.append(contentsOf: batch)
                        if kept.count > count { kept.removeFirst(kept.count - count) }
                    }
                } catch {
                    return .failure(error)
                }
                return .success(kept)
            }
        } catch {
            throw ReplayError(.unavailable, "the audit log cannot be read now: \(error)")
        }
        switch result {
        case .success(let entries): return entries
        case .failure(let error): throw ReplayError(.unavailable, "the audit log cannot be read: \(error)")
        }
    }
}
