import CCurl
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The network thread's own state: the one multi handle and every running transfer's easy handle.
///
/// Lives and dies on the network thread; nothing here is shared. Each turn of `run` drains the submission
/// queue (new transfers, cancellations, shutdown), drives libcurl with `curl_multi_perform`, hands finished
/// transfers back with `curl_multi_info_read`, and sleeps in `curl_multi_poll` until a socket is ready,
/// libcurl's next timer is due, or `curl_multi_wakeup` interrupts it.
final class CurlNetworkWorker {
    let loop: CurlMultiLoop
    /// The multi handle (`CURLM *`); it owns the connection pool every transfer draws from.
    let multi: UnsafeMutableRawPointer
    private var running: [UInt64: CurlTransfer] = [:]
    private var runningByHandle: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var lastThreadID: UInt64 = 0
    private var warnedAboutMissingReuseGuard = false

    /// Creates and configures the multi handle. Runs on the network thread.
    init(loop: CurlMultiLoop) throws(CurlError) {
        guard let multi = curl_multi_init() else {
            throw CurlError(code: .other, message: "curl_multi_init failed")
        }
        // HTTP/2 transfers to one host share a connection; HTTP/1.1 transfers each get one from the pool, which
        // is bounded: at most `maxCachedConnections` kept open, `maxConnectionsPerHost` to one host.
        let options: [(String, CURLMoption, Int)] = [
            ("CURLMOPT_PIPELINING", CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX)),
            ("CURLMOPT_MAXCONNECTS", CURLMOPT_MAXCONNECTS, max(1, loop.limits.maxCachedConnections)),
            ("CURLMOPT_MAX_HOST_CONNECTIONS", CURLMOPT_MAX_HOST_CONNECTIONS, max(0, loop.limits.maxConnectionsPerHost)),
        ]
        for (name, option, value) in options {
            let code = rcurl_multi_setopt_long(multi, option, value)
            guard code == CURLM_OK else {
                curl_multi_cleanup(multi)
                throw CurlError(code: .other, message: "curl_multi_setopt(\(name)) failed: \(code.rawValue)")
            }
        }
        self.loop = loop
        self.multi = multi
        noteThread()
    }

    /// Runs until the loop is asked to stop; then every transfer has been failed with `.shutdown`.
    func run() {
        while true {
            noteThread()
            let batch = loop.takeBatch()
            startAll(batch.submissions, cancelled: Set(batch.cancellations), stopping: batch.stopping)
            for id in batch.cancellations {
                if let transfer = running[id] {
                    abort(transfer, code: .cancelled, message: "the request was cancelled")
                }
            }
            if batch.stopping {
                for transfer in Array(running.values) {
                    abort(transfer, code: .shutdown, message: "the HTTP client was shut down")
                }
                return
            }

            var stillRunning: Int32 = 0
            let performed = curl_multi_perform(multi, &stillRunning)
            if performed != CURLM_OK {
                failEverything(because: "curl_multi_perform", code: performed)
            }
            collectCompletions()

            let polled = curl_multi_poll(multi, nil, 0, loop.pollTimeoutMilliseconds, nil)
            if polled != CURLM_OK {
                failEverything(because: "curl_multi_poll", code: polled)
                usleep(10_000)  // do not spin if polling keeps failing
            }
        }
    }

    /// Frees the multi handle. Call after `run` returns, once no other thread can reach the handle.
    func cleanUp() {
        noteThread()
        for transfer in Array(running.values) {
            abort(transfer, code: .shutdown, message: "the HTTP client was shut down")
        }
        let code = curl_multi_cleanup(multi)
        if code != CURLM_OK {
            loop.logger.error("curl_multi_cleanup failed", metadata: ["curlm": "\(code.rawValue)"])
        }
    }

    private func startAll(_ submissions: [CurlMultiLoop.Submission], cancelled: Set<UInt64>, stopping: Bool) {
        guard !submissions.isEmpty else {
            return
        }
        var started = 0
        for submission in submissions {
            if cancelled.contains(submission.ticket.id) {
                finishUnstarted(submission, CurlError(code: .cancelled, message: "the request was cancelled"))
            } else if stopping {
                finishUnstarted(submission, CurlError(code: .shutdown, message: "the HTTP client was shut down"))
            } else if start(submission) {
                started += 1
            }
        }
        loop.state.withLock { state in
            state.diagnostics.inFlight += started
            state.diagnostics.peakInFlight = max(state.diagnostics.peakInFlight, state.diagnostics.inFlight)
        }
    }

    /// Creates, configures and adds the easy handle. Returns `false` (and finishes the ticket) on failure.
    private func start(_ submission: CurlMultiLoop.Submission) -> Bool {
        let transfer: CurlTransfer
        do {
            transfer = try CurlTransfer(ticket: submission.ticket, plan: submission.plan)
        } catch {
            finishUnstarted(submission, error)
            return false
        }
        do {
            try transfer.configure()
        } catch {
            retireUnadded(transfer, error)
            return false
        }
        if transfer.reuseGuardUnavailable && !warnedAboutMissingReuseGuard {
            warnedAboutMissingReuseGuard = true
            loop.logger.warning(
                """
                this libcurl has no CURLOPT_PREREQFUNCTION (7.80.0 or newer is needed), so requests that may reuse \
                a connection without a re-send (replays) get a new connection each
                """
            )
        }
        let added = curl_multi_add_handle(multi, transfer.easy)
        guard added == CURLM_OK else {
            let error = CurlError(code: .other, message: "curl_multi_add_handle failed: \(added.rawValue)")
            retireUnadded(transfer, error)
            return false
        }
        running[submission.ticket.id] = transfer
        runningByHandle[transfer.easy] = transfer
        return true
    }

    private func collectCompletions() {
        var done: [(UnsafeMutableRawPointer, CURLcode)] = []
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
                done.append((easy, message.pointee.data.result))
            }
        }
        // Only now: removing a handle invalidates the messages.
        for (easy, code) in done {
            guard let transfer = runningByHandle[easy] else {
                continue
            }
            let facts = transfer.facts()
            if code == CURLE_OK {
                retire(transfer, .success(transfer.response(facts: facts)))
            } else {
                let error: CurlError
                if transfer.resendRefused {
                    error = CurlError(
                        code: .resendRefused,
                        curlCode: CurlError.rawCode(code),
                        message: "the kept connection closed after the request was sent and before any answer; "
                            + "libcurl's automatic re-send was refused",
                        facts: facts
                    )
                } else {
                    error = CurlError(
                        transferCode: code,
                        errorBuffer: transfer.errorText,
                        bodyLimitExceeded: transfer.bodyLimitExceeded,
                        facts: facts
                    )
                }
                retire(transfer, .failure(error))
            }
        }
    }

    /// Removes a running transfer early (cancellation, shutdown) with the facts so far.
    private func abort(_ transfer: CurlTransfer, code: CurlError.Code, message: String) {
        let error = CurlError(code: code, message: message, facts: transfer.facts())
        retire(transfer, .failure(error))
    }

    private func failEverything(because call: String, code: CURLMcode) {
        loop.logger.error("\(call) failed; failing all running transfers", metadata: ["curlm": "\(code.rawValue)"])
        for transfer in Array(running.values) {
            abort(transfer, code: .other, message: "\(call) failed (CURLMcode \(code.rawValue))")
        }
    }

    /// Takes a running transfer out of the multi handle, frees it, updates the counters and resumes the caller
    /// (in that order, so a caller that wakes up sees the counters already updated).
    private func retire(_ transfer: CurlTransfer, _ result: Result<HTTPResponse, CurlError>) {
        let removed = curl_multi_remove_handle(multi, transfer.easy)
        if removed != CURLM_OK {
            loop.logger.error("curl_multi_remove_handle failed", metadata: ["curlm": "\(removed.rawValue)"])
        }
        running[transfer.ticket.id] = nil
        runningByHandle[transfer.easy] = nil
        transfer.close()
        loop.state.withLock { state in
            state.diagnostics.inFlight -= 1
            state.diagnostics.completed += 1
            state.diagnostics.handleThreadIDs.formUnion(transfer.threadIDs)
        }
        transfer.ticket.complete(with: result)
    }

    /// A transfer whose handle exists but never made it into the multi handle.
    private func retireUnadded(_ transfer: CurlTransfer, _ error: CurlError) {
        transfer.close()
        loop.state.withLock { state in
            state.diagnostics.completed += 1
            state.diagnostics.handleThreadIDs.formUnion(transfer.threadIDs)
        }
        transfer.ticket.complete(with: .failure(error))
    }

    private func finishUnstarted(_ submission: CurlMultiLoop.Submission, _ error: CurlError) {
        loop.state.withLock { $0.diagnostics.completed += 1 }
        submission.ticket.complete(with: .failure(error))
    }

    /// Records the calling thread as one that touched the multi handle (normally a no-op after the first).
    private func noteThread() {
        let current = CurrentThread.id
        guard current != lastThreadID else {
            return
        }
        lastThreadID = current
        loop.state.withLock { _ = $0.diagnostics.handleThreadIDs.insert(current) }
    }
}
