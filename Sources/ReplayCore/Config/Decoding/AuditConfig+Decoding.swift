extension AuditConfig {
    /// Reads `[audit]`.
    init(reading reader: ConfigTableReader) {
        self.init()
        directory = reader.string("dir", validate: ConfigValidation.absolutePath) ?? directory
        keyFile = reader.string("key_file", validate: ConfigValidation.absolutePath) ?? keyFile
        signingKeyFile = reader.string("signing_key_file", validate: ConfigValidation.absolutePath) ?? signingKeyFile
        origin =
            reader.string("origin") { value in
                value.isEmpty || value.contains("\n") ? "must be a non-empty single line" : nil
            } ?? origin
        segmentMaxSize = reader.size("segment_max_size", in: 4096...(1 << 40)) ?? segmentMaxSize
        segmentMaxAge = reader.duration("segment_max_age", in: .seconds(60)...(.seconds(365 * 86_400))) ?? segmentMaxAge
        retention = reader.duration("retention", in: .zero...(.seconds(10 * 365 * 86_400))) ?? retention
        minFreeSpace = reader.size("min_free_space", in: 0...(1 << 50)) ?? minFreeSpace
        groupCommitWait = reader.duration("group_commit_wait", in: .zero...(.seconds(1))) ?? groupCommitWait
        groupCommitMax = reader.integer("group_commit_max", in: 1...10_000) ?? groupCommitMax
        checkpointEvery = reader.integer("checkpoint_every", in: 0...10_000_000) ?? checkpointEvery
        checkpointInterval =
            reader.duration("checkpoint_interval", in: .seconds(1)...(.seconds(86_400))) ?? checkpointInterval
        denialInterval = reader.duration("denial_interval", in: .seconds(1)...(.seconds(86_400))) ?? denialInterval
        if retention > .zero, retention < segmentMaxAge {
            reader.reportInvalid(
                "retention",
                "must be 0s (keep forever) or at least segment_max_age (\(ConfigDuration.format(segmentMaxAge)))"
            )
        }
        reader.finish()
    }
}
