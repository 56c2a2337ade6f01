extension ReplaysConfig {
    /// Reads `[replays]`.
    init(reading reader: ConfigTableReader) {
        self.init()
        retention = reader.duration("retention", in: .seconds(60)...(.seconds(30 * 86_400))) ?? retention
        coalesceWindow = reader.duration("coalesce_window", in: .zero...(.seconds(86_400))) ?? coalesceWindow
        wait = reader.duration("wait", in: .milliseconds(1)...(.seconds(3600))) ?? wait
        deadline = reader.duration("deadline", in: .seconds(1)...(.seconds(7 * 86_400))) ?? deadline
        reconcileHorizon =
            reader.duration("reconcile_horizon", in: .seconds(1)...(.seconds(7 * 86_400))) ?? reconcileHorizon
        reconcileSettle = reader.duration("reconcile_settle", in: .zero...(.seconds(3600))) ?? reconcileSettle
        reconcileMaxDelay =
            reader.duration("reconcile_max_delay", in: .seconds(1)...(.seconds(3600))) ?? reconcileMaxDelay
        maxRetryAfter = reader.duration("max_retry_after", in: .seconds(1)...(.seconds(86_400))) ?? maxRetryAfter
        pruneInterval = reader.duration("prune_interval", in: .seconds(1)...(.seconds(86_400))) ?? pruneInterval
        maxRPCBatch = reader.integer("max_rpc_batch", in: 1...100_000) ?? maxRPCBatch
        breakerFailures = reader.integer("breaker_failures", in: 1...1000) ?? breakerFailures
        breakerOpenTime = reader.duration("breaker_open_time", in: .seconds(1)...(.seconds(3600))) ?? breakerOpenTime
        shutdownGrace = reader.duration("shutdown_grace", in: .zero...(.seconds(3600))) ?? shutdownGrace
        if retention < coalesceWindow {
            reader.reportInvalid(
                "retention",
                "must be at least coalesce_window (\(ConfigDuration.format(coalesceWindow))), "
                    + "got \(ConfigDuration.format(retention))"
            )
        }
        reader.finish()
    }
}
