/// Where audit records go. The pipeline records through this seam; ``AuditLog`` is the real one.
public protocol AuditSink: Sendable {
    /// Appends `record` and returns once it is durable (written and `fdatasync`ed, possibly together with other
    /// records in one group commit).
    ///
    /// - Throws: ``AuditError`` when the record could not be made durable. Callers that are about to change
    ///   something upstream must then not do it (fail closed).
    func record(_ record: AuditRecord) async throws(AuditError)

    /// Appends a record that opens new work (a request arriving), which a sink may refuse when it could not also
    /// record the rest of that work (a full disk). The default is ``record(_:)``.
    func recordOpening(_ record: AuditRecord) async throws(AuditError)

    /// Appends `record` and returns at once, without waiting for it to be durable. It is written in order with
    /// every other record: before any appended or recorded after it, so once a later record is durable this one
    /// is too (or failed). `completion` runs once it is durable or could not be made so, on the sink's writer,
    /// so it must not block. ``append(_:)`` wraps it in an ``AuditReceipt`` to wait on.
    func append(_ record: AuditRecord, completion: @escaping @Sendable (Result<Void, AuditError>) -> Void)

    /// The log's health now, for status pages and for failing fast before any work.
    var status: AuditStatus { get }
}

extension AuditSink {
    /// ``record(_:)``: a sink that cannot run short of space takes opening records like any other.
    public func recordOpening(_ record: AuditRecord) async throws(AuditError) {
        try await self.record(record)
    }

    /// Appends `record` without waiting (``append(_:completion:)``); the receipt tells when it is durable.
    public func append(_ record: AuditRecord) -> AuditReceipt {
        let receipt = AuditReceipt()
        append(record) { receipt.settle($0) }
        return receipt
    }
}

/// The audit log's health.
public struct AuditStatus: Sendable, Hashable {
    /// Whether records can be made durable now.
    public var writable: Bool
    /// Why not, when not.
    public var degradedReason: String?
    /// The last durable record.
    public var head: AuditChain.Head
    /// The segment being written.
    public var segment: String?
    /// The size of the last signed checkpoint.
    public var checkpointSize: Int64?

    /// Creates a status.
    public init(
        writable: Bool,
        degradedReason: String? = nil,
        head: AuditChain.Head,
        segment: String? = nil,
        checkpointSize: Int64? = nil
    ) {
        self.writable = writable
        self.degradedReason = degradedReason
        self.head = head
        self.segment = segment
        self.checkpointSize = checkpointSize
    }
}

/// An audit failure: a code and words for the operator. It never carries a secret.
public struct AuditError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// A write, sync, create or rename failed.
        case io = "audit_io"
        /// Free space is below `[audit] min_free_space`.
        case diskFull = "audit_disk_full"
        /// The log is degraded from an earlier failure, or is not open.
        case degraded = "audit_degraded"
        /// The log is closed (shutting down).
        case closed = "audit_closed"
    }

    public var code: Code
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
