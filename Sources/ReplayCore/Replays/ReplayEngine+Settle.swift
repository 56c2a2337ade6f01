extension ReplayEngine {
    /// Waits until the record `id` is final or indeterminate, for the doors that answer first and report the
    /// outcome later (Slack, Discord). Wakes when its driver rests, and otherwise checks every `pollInterval` on
    /// the wait clock (a driver may be started later, by the background sweep after a restart). Returns the
    /// record as it is when it settles, or as it is after `limit`; `nil` when it does not exist.
    public func settledRecord(
        _ id: ReplayRecordID,
        limit: Duration,
        pollInterval: Duration = .seconds(1)
    ) async throws(StoreError) -> ReplayRecord? {
        var waited = Duration.zero
        while true {
            guard let record = try await store.record(id) else { return nil }
            if record.state.isFinal || record.state == .indeterminate || waited >= limit || Task.isCancelled {
                return record
            }
            let slice = min(pollInterval, limit - waited)
            if let handle = drivers.handle(for: id) {
                await waitForDriver(handle, wait: slice)
                // A replay that created a run is published before its outcome is committed.
                if let answer = handle.published, answer.state.isFinal || answer.state == .indeterminate {
                    return answer
                }
            } else {
                try? await waitClock.sleep(for: slice)
            }
            waited += slice
        }
    }
}
