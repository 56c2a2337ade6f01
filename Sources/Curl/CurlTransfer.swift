import CCurl

/// One transfer on the network thread: the easy handle and everything that must outlive it.
///
/// Created, configured, driven and closed on the network thread only; never shared. libcurl's callbacks
/// reach it through an `Unmanaged` pointer set as their userdata: `configure` retains it once
/// (`passRetained`), and `close` releases it exactly once, after `curl_easy_cleanup`, when no callback can
/// run any more.
final class CurlTransfer {
    /// The caller's side: resumed once with the outcome.
    let ticket: CurlTicket
    let plan: CurlTransferPlan
    /// The easy handle (`CURL *`). Valid until `close`.
    let easy: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`, `CURL_ERROR_SIZE` bytes.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// `CURLOPT_HTTPHEADER`; libcurl does not copy it.
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// `CURLOPT_POSTFIELDS`; libcurl does not copy it.
    var bodyBuffer: UnsafeMutableRawBufferPointer?
    /// The +1 reference libcurl's callbacks use; `nil` once released.
    var callbackReference: Unmanaged<CurlTransfer>?
    private(set) var isClosed = false

    // Response state, written by the callbacks.
    /// Fields of the response being received; reset by every status line, so only the final one stays.
    var responseHeaders: [(name: String, value: String)] = []
    var responseBody: [UInt8] = []
    /// Set by the write callback when the body went over `maxResponseBodyBytes` and the transfer was aborted.
    var bodyLimitExceeded = false
    /// Request bytes (header and body) libcurl reported writing to the connection, from the debug callback.
    var requestBytesWritten = 0
    /// How often libcurl was about to start sending the request (the pre-request callback); more than once
    /// means it retried on a fresh connection after a kept one died.
    var requestStarts = 0
    /// Set when the pre-request callback refused libcurl's re-send of a request that had already gone out.
    var resendRefused = false
    /// Set by `configure` when `.reuseWithoutResend` fell back to a fresh connection because this libcurl has
    /// no pre-request callback (before 7.80.0).
    var reuseGuardUnavailable = false
    /// Every thread that called into this handle or ran one of its callbacks.
    private(set) var threadIDs: Set<UInt64> = []
    private var lastThreadID: UInt64 = 0

    /// Creates the easy handle. Configure it with `configure()` before adding it to a multi handle.
    init(ticket: CurlTicket, plan: CurlTransferPlan) throws(CurlError) {
        guard let easy = curl_easy_init() else {
            throw CurlError(code: .other, message: "curl_easy_init failed (out of memory)")
        }
        self.ticket = ticket
        self.plan = plan
        self.easy = easy
        let size = Int(CURL_ERROR_SIZE)
        errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
        noteThread()
    }

    deinit {
        // `close` runs before the last reference goes; this only covers a transfer that never got that far.
        close()
    }

    /// The text libcurl left in the error buffer, if any.
    var errorText: String {
        String(cString: errorBuffer)
    }

    /// The raw error buffer, for `CURLOPT_ERRORBUFFER`.
    var errorBufferPointer: UnsafeMutablePointer<CChar> {
        errorBuffer
    }

    /// Records the calling thread as one that touched this handle.
    func noteThread() {
        let current = CurrentThread.id
        if current != lastThreadID {
            lastThreadID = current
            threadIDs.insert(current)
        }
    }

    /// Frees the handle and everything it pointed at. Idempotent. The handle must already be out of any multi
    /// handle.
    func close() {
        guard !isClosed else {
            return
        }
        isClosed = true
        noteThread()
        curl_easy_cleanup(easy)
        if let headerList {
            curl_slist_free_all(headerList)
            self.headerList = nil
        }
        bodyBuffer?.deallocate()
        bodyBuffer = nil
        errorBuffer.deallocate()
        // Last: the callbacks may have run during `curl_easy_cleanup`.
        if let reference = callbackReference {
            callbackReference = nil
            reference.release()
        }
    }

    /// The response received so far, for a transfer that completed with `CURLE_OK`.
    func response(facts: TransferFacts) -> HTTPResponse {
        HTTPResponse(
            status: getLong(CURLINFO_RESPONSE_CODE) ?? 0,
            headers: HTTPHeaders(responseHeaders),
            body: responseBody,
            facts: facts
        )
    }
}
