import Audit

/// An ``AuditSink`` that counts what it records in ``ReplaydMetrics`` and times how long each record takes to
/// become durable (the group commit's latency as callers see it). Everything else is the wrapped sink's.
public struct MeteredAuditSink: AuditSink {
    private let base: any AuditSink
    private let metrics: ReplaydMetrics

    /// Wraps `base`.
    public init(_ base: any AuditSink, metrics: ReplaydMetrics) {
        self.base = base
        self.metrics = metrics
    }

    public func record(_ record: AuditRecord) async throws(AuditError) {
        let started = ContinuousClock.now
        do {
            try await base.record(record)
        } catch {
            metrics.recordFailed(record, code: error.code)
            throw error
        }
        metrics.recorded(record, durableAfter: started.duration(to: .now))
    }

    public func recordOpening(_ record: AuditRecord) async throws(AuditError) {
        let started = ContinuousClock.now
        do {
            try await base.recordOpening(record)
        } catch {
            metrics.recordFailed(record, code: error.code)
            throw error
        }
        metrics.recorded(record, durableAfter: started.duration(to: .now))
    }

    public func append(
        _ record: AuditRecord,
        completion: @escaping @Sendable (Result<Void, AuditError>) -> Void
    ) {
        let started = ContinuousClock.now
        base.append(record) { [metrics] outcome in
            switch outcome {
            case .success: metrics.recorded(record, durableAfter: started.duration(to: .now))
            case .failure(let error): metrics.recordFailed(record, code: error.code)
            }
            completion(outcome)
        }
    }

    public var status: AuditStatus { base.status }
}
