#if canImport(Glibc)
import Glibc
#endif

/// Starts the thread that owns an ``AuditSegmentWriter``. It is a thread of its own, not a task: `fdatasync` blocks
/// for milliseconds, and must not hold one of the few threads of Swift's cooperative pool.
enum AuditWriterThread {
    /// Starts `writer.serve()` on a new, detached thread. Returns the `pthread_create` error, or 0.
    static func start(_ writer: AuditSegmentWriter) -> Int32 {
        let context = Unmanaged.passRetained(writer).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, auditWriterThreadMain, context)
        guard created == 0 else {
            Unmanaged<AuditSegmentWriter>.fromOpaque(context).release()
            return created
        }
        // Nobody joins: the thread holds the writer and exits once the queue is closed and drained.
        pthread_detach(thread)
        return 0
    }
}

private func auditWriterThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else { return nil }
    let writer = Unmanaged<AuditSegmentWriter>.fromOpaque(argument).takeRetainedValue()
    writer.serve()
    return nil
}
