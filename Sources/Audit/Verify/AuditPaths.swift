/// Where `replayd audit` finds the log and what it needs to verify it.
///
/// Filled, in order, from the config (the integrator's seam: `AuditPaths(config:)` in the `replayd` target, for the
/// coming `[audit]` section), then from command-line flags (``overridden(by:)``), then from defaults on disk
/// (``withDefaults(fileExists:)``).
public struct AuditPaths: Sendable, Hashable {
    /// The audit directory (segments and `checkpoints.jsonl`).
    public var dir: String?
    /// The audit key files: every key the log was written under.
    public var keyFiles: [String]
    /// The checkpoints file.
    public var checkpointsFile: String?
    /// The checkpoint public key (PEM, hex or raw Ed25519).
    public var checkpointKeyFile: String?

    /// Creates paths; everything is unset by default.
    public init(
        dir: String? = nil,
        keyFiles: [String] = [],
        checkpointsFile: String? = nil,
        checkpointKeyFile: String? = nil
    ) {
        self.dir = dir
        self.keyFiles = keyFiles
        self.checkpointsFile = checkpointsFile
        self.checkpointKeyFile = checkpointKeyFile
    }

    /// These paths with every field `other` sets replacing this one's (`keyFiles` when it is not empty).
    public func overridden(by other: AuditPaths) -> AuditPaths {
        AuditPaths(
            dir: other.dir ?? dir,
            keyFiles: other.keyFiles.isEmpty ? keyFiles : other.keyFiles,
            checkpointsFile: other.checkpointsFile ?? checkpointsFile,
            checkpointKeyFile: other.checkpointKeyFile ?? checkpointKeyFile
        )
    }

    /// These paths with the defaults that exist filled in where nothing was set: checkpoints from
    /// `<dir>/checkpoints.jsonl`, and the checkpoint key from `<dir>/../audit-signing.key.pub`.
    public func withDefaults(fileExists: (String) -> Bool) -> AuditPaths {
        var paths = self
        guard let dir else { return paths }
        if paths.checkpointsFile == nil, fileExists(Self.defaultCheckpointsFile(dir: dir)) {
            paths.checkpointsFile = Self.defaultCheckpointsFile(dir: dir)
        }
        if paths.checkpointKeyFile == nil, fileExists(Self.defaultCheckpointKeyFile(dir: dir)) {
            paths.checkpointKeyFile = Self.defaultCheckpointKeyFile(dir: dir)
        }
        return paths
    }

    /// `<dir>/checkpoints.jsonl`.
    public static func defaultCheckpointsFile(dir: String) -> String {
        trimmed(dir) + "/" + AuditFiles.checkpointsFileName
    }

    /// `<dir>/../audit-signing.key.pub`: the public half the daemon writes beside its signing key.
    public static func defaultCheckpointKeyFile(dir: String) -> String {
        trimmed(dir) + "/../audit-signing.key.pub"
    }

    private static func trimmed(_ dir: String) -> String {
        var dir = dir
        while dir.count > 1, dir.hasSuffix("/") { dir.removeLast() }
        return dir == "/" ? "" : dir
    }
}
