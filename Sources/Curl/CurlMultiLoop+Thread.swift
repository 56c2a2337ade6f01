import CCurl
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CurlMultiLoop {
    /// Starts the network thread and waits until it has created its multi handle.
    ///
    /// - Throws: `.other` when the thread cannot be created or the multi handle cannot be set up.
    func start() throws(CurlError) {
        let ready = DispatchSemaphore(value: 0)
        let context = Unmanaged.passRetained(ThreadContext(loop: self, ready: ready)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, curlNetworkThreadMain, context)
        guard created == 0 else {
            Unmanaged<ThreadContext>.fromOpaque(context).release()
            throw CurlError(code: .other, message: "could not start the network thread (errno \(created))")
        }
        // Nobody joins: the thread holds its own reference to the loop and cleans up after itself.
        pthread_detach(thread)
        ready.wait()
        let startup = state.withLock { $0.startup }
        if case .failed(let error) = startup {
            throw error
        }
    }

    /// The network thread's body: set up, run until stopped, clean up.
    fileprivate func runNetworkThread(ready: DispatchSemaphore) {
        _ = rcurl_name_current_thread("replayd-curl")
        let worker: CurlNetworkWorker
        do {
            worker = try CurlNetworkWorker(loop: self)
        } catch {
            state.withLock { state in
                state.startup = .failed(error)
                state.stopping = true
                state.exited = true
            }
            ready.signal()
            return
        }
        state.withLock { state in
            state.startup = .ready
            state.multi = MultiPointer(raw: worker.multi)
            state.diagnostics.networkThreadID = CurrentThread.id
        }
        ready.signal()

        worker.run()

        // Unpublish the handle before cleaning it up, so no other thread can wake a freed handle.
        state.withLock { $0.multi = nil }
        worker.cleanUp()
        let waiters = state.withLock { state in
            state.exited = true
            let waiters = state.exitWaiters
            state.exitWaiters = []
            return waiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }
}

/// What `pthread_create` hands to the new thread.
private final class ThreadContext {
    let loop: CurlMultiLoop
    let ready: DispatchSemaphore

    init(loop: CurlMultiLoop, ready: DispatchSemaphore) {
        self.loop = loop
        self.ready = ready
    }
}

#if canImport(Darwin)
private func curlNetworkThreadMain(_ argument: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
    let context = Unmanaged<ThreadContext>.fromOpaque(argument).takeRetainedValue()
    context.loop.runNetworkThread(ready: context.ready)
    return nil
}
#else
private func curlNetworkThreadMain(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let argument else {
        return nil
    }
    let context = Unmanaged<ThreadContext>.fromOpaque(argument).takeRetainedValue()
    context.loop.runNetworkThread(ready: context.ready)
    return nil
}
#endif
