import Crypto

/// Everything ``AuditLog`` needs to know: where it writes, the keys, and when it rotates, prunes and checkpoints.
public struct AuditLogConfiguration: Sendable {
    /// 64 MiB: the default segment size limit and free-space floor.
    public static let defaultMaxSegmentBytes: Int64 = 64 << 20
    /// 24 hours: the default segment age limit.
    public static let defaultMaxSegmentAge: Duration = .seconds(24 * 60 * 60)
    /// 64 MiB: the default free-space floor.
    public static let defaultMinFreeBytes: Int64 = 64 << 20
    /// 1 MiB: the default space reserved past the segment's end, room for about 1,500 records.
    public static let defaultReserveBytes: Int64 = 1 << 20

    /// The audit directory: created 0750 when missing. Segments are 0640 while written and 0440 once closed.
    public var directory: String
    /// The key that MACs every record.
    public var key: AuditKey
    /// Names the log in checkpoints (`[audit] origin`).
    public var origin: String
    /// The instance id every record names as `instance` (`[state] instance_id`); `nil` writes none.
    public var instance: String?
    /// A segment is closed before a write would take it past this size (a single batch larger than this still goes
    /// into one fresh segment).
    public var maxSegmentBytes: Int64
    /// A segment is closed once its first record is this old.
    public var maxSegmentAge: Duration
    /// Closed segments whose last record is older than this are deleted; `nil` keeps everything.
    public var retention: Duration?
    /// Records are refused while free space in ``directory`` is below this.
    public var minFreeBytes: Int64
    /// Space kept allocated past the end of the segment (`fallocate`, the file's size unchanged), so that the
    /// records of work already under way can still be written when the disk fills up. A record that opens new
    /// work (``AuditLog/recordOpening(_:)``) is refused while this much cannot be reserved.
    public var reserveBytes: Int64
    /// How long the writer waits after the first queued record for others to share its `fdatasync`.
    public var groupCommitWait: Duration
    /// The most records written with one `write` and one `fdatasync`.
    public var groupCommitMaxRecords: Int
    /// A checkpoint is signed after this many records (or ``checkpointInterval``, whichever comes first); 0 turns
    /// the count off.
    public var checkpointEveryRecords: Int64
    /// A checkpoint is signed this long after the previous one when the head has moved.
    public var checkpointInterval: Duration
    /// How often ``AuditLog/run()`` does its maintenance pass (age rotation, retention, the checkpoint interval,
    /// recovery from a failure).
    public var maintenanceInterval: Duration

    // `Curve25519.Signing.PrivateKey` is not `Sendable`; its 32 raw bytes are, and it is rebuilt from them.
    private(set) var signingKeyBytes: [UInt8]

    /// The Ed25519 key that signs checkpoints.
    public var signingKey: Curve25519.Signing.PrivateKey {
        get {
            do {
                return try Curve25519.Signing.PrivateKey(rawRepresentation: signingKeyBytes)
            } catch {
                preconditionFailure("the raw bytes of an Ed25519 key are always a key: \(error)")
            }
        }
        set { signingKeyBytes = Array(newValue.rawRepresentation) }
    }

    /// Creates a configuration with the defaults for everything but the directory and the keys.
    public init(
        directory: String,
        key: AuditKey,
        signingKey: Curve25519.Signing.PrivateKey,
        origin: String,
        maxSegmentBytes: Int64 = AuditLogConfiguration.defaultMaxSegmentBytes,
        maxSegmentAge: Duration = AuditLogConfiguration.defaultMaxSegmentAge,
        retention: Duration? = nil,
        minFreeBytes: Int64 = AuditLogConfiguration.defaultMinFreeBytes,
        reserveBytes: Int64 = AuditLogConfiguration.defaultReserveBytes,
        groupCommitWait: Duration = .milliseconds(2),
        groupCommitMaxRecords: Int = 64,
        checkpointEveryRecords: Int64 = 1000,
        checkpointInterval: Duration = .seconds(60),
        maintenanceInterval: Duration = .seconds(1),
        instance: String? = nil
    ) {
        self.instance = instance
        self.directory = directory
        self.key = key
        self.signingKeyBytes = Array(signingKey.rawRepresentation)
        self.origin = origin
        self.maxSegmentBytes = maxSegmentBytes
        self.maxSegmentAge = maxSegmentAge
        self.retention = retention
        self.minFreeBytes = minFreeBytes
        self.reserveBytes = max(0, reserveBytes)
        self.groupCommitWait = groupCommitWait
        self.groupCommitMaxRecords = groupCommitMaxRecords
        self.checkpointEveryRecords = checkpointEveryRecords
        self.checkpointInterval = checkpointInterval
        self.maintenanceInterval = maintenanceInterval
    }
}
