/// One instance's chain as `replayd audit verify` reports it when given several audit directories: which
/// directory, which instance it belongs to, how far it goes in time, and what ``AuditVerifier`` found.
public struct AuditChainReport: Sendable, Hashable {
    /// Where the instance id of a chain was read.
    public enum InstanceSource: String, Sendable, Hashable {
        /// The `instance` member of the records (written when the daemon has an instance id).
        case records
        /// The `origin` of the signed checkpoints (`[audit] origin`), for logs written before records had one.
        case checkpoints
        /// Neither: the chain is named by its directory only.
        case none
    }

    /// The audit directory, as given.
    public var directory: String
    /// The instance the chain belongs to, or `nil` when neither its records nor its checkpoints say.
    public var instance: String?
    /// Where ``instance`` came from.
    public var instanceSource: InstanceSource
    /// Other instance ids found in the records: a log should hold one only (several means segments were mixed).
    public var otherInstances: [String]
    /// The `ts` of the first record, as written.
    public var firstTime: String?
    /// The `ts` of the last good record (the last one checked when the chain is intact).
    public var lastTime: String?
    /// What the verifier found.
    public var verification: AuditVerification

    /// Creates a report.
    public init(
        directory: String,
        instance: String?,
        instanceSource: InstanceSource,
        otherInstances: [String] = [],
        firstTime: String? = nil,
        lastTime: String? = nil,
        verification: AuditVerification
    ) {
        self.directory = directory
        self.instance = instance
        self.instanceSource = instanceSource
        self.otherInstances = otherInstances
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.verification = verification
    }

    /// Whether the chain is intact.
    public var intact: Bool { verification.intact }

    /// The chain's name in reports: its instance id, or its directory.
    public var name: String { instance ?? directory }

    /// Verifies the log in `directory` and reads what names it: the `instance` of its records (else the origin of
    /// `checkpoints`), and the time of its first and last good record.
    ///
    /// - Throws: ``AuditFiles/IOError`` when the directory or a segment cannot be read.
    public static func verify(
        directory: String,
        verifier: AuditVerifier,
        checkpoints: [AuditCheckpoint]
    ) throws(AuditFiles.IOError) -> AuditChainReport {
        let verification = try verifier.verify(directory: directory)
        var reader = AuditReader(directory: directory)
        var firstTime: String?
        var lastTime: String?
        var instances: [String] = []
        var done = false
        while !done, case let batch = try reader.poll(), !batch.isEmpty {
            for entry in batch {
                if entry.seq > verification.lastSeq {
                    done = true
                    break
                }
                let ts = entry.record["ts"]?.stringValue
                if firstTime == nil { firstTime = ts }
                lastTime = ts
                if let instance = entry.record["instance"]?.stringValue, !instances.contains(instance) {
                    instances.append(instance)
                }
            }
        }
        if let instance = instances.first {
            return AuditChainReport(
                directory: directory,
                instance: instance,
                instanceSource: .records,
                otherInstances: Array(instances.dropFirst()),
                firstTime: firstTime,
                lastTime: lastTime,
                verification: verification
            )
        }
        let origin = checkpoints.last?.origin
        return AuditChainReport(
            directory: directory,
            instance: origin,
            instanceSource: origin == nil ? .none : .checkpoints,
            firstTime: firstTime,
            lastTime: lastTime,
            verification: verification
        )
    }

    /// The report's lines: a heading naming the directory and instance, then ``AuditVerification/report``
    /// indented, with the time range.
    public var lines: [String] {
        var heading = "chain \(directory)"
        switch instanceSource {
        case .records: heading += " (instance \(instance ?? ""))"
        case .checkpoints: heading += " (instance \(instance ?? ""), from the checkpoints' origin)"
        case .none: heading += " (no instance id in its records or checkpoints)"
        }
        var lines = [heading]
        lines += verification.report.map { "  " + $0 }
        if let firstTime, let lastTime { lines.append("  time: \(firstTime) to \(lastTime)") }
        if !otherInstances.isEmpty {
            lines.append("  note: records of other instances too: \(otherInstances.joined(separator: ", "))")
        }
        return lines
    }
}
