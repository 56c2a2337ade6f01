import CCurl

extension CurlTransfer {
    /// What happened on the wire, read from the handle. Call before `close`.
    ///
    /// `requestBytesSent` counts the request bytes (header and body) libcurl reports through the debug
    /// callback as `CURLINFO_HEADER_OUT` and `CURLINFO_DATA_OUT`. libcurl emits those after each socket write
    /// (for HTTP/2: each hand-over to the session), with the count actually written, on every write path, and
    /// the count is ours, so it is never reset. Measured with libcurl 7.88.1 against the test server:
    /// - connection refused: 0; request read by the server, then a stall or a reset: the full request size;
    /// - a 4-byte POST: 103, exactly what the server received. `CURLINFO_REQUEST_SIZE` was also 103 (it counts
    ///   a body written together with the header), so adding `CURLINFO_SIZE_UPLOAD_T` (4) would count the body
    ///   twice; for a 1.1 MB body REQUEST_SIZE held only the header and SIZE_UPLOAD_T the body;
    /// - a request written on a kept connection that the server read and hung up on, after which libcurl's
    ///   automatic retry on a fresh connection was refused: 102, and REQUEST_SIZE 102, but SIZE_UPLOAD_T
    ///   had been reset to 0 by the retry. So `couldNotConnect` can come with `requestSent == true`, correctly.
    /// REQUEST_SIZE agreed in every failure case, so it stays as a floor (`max`), never as the sum.
    func facts() -> TransferFacts {
        noteThread()
        let sent = max(requestBytesWritten, getLong(CURLINFO_REQUEST_SIZE) ?? 0)
        let newConnections = getLong(CURLINFO_NUM_CONNECTS) ?? 0
        let timings = TransferTimings(
            nameLookup: duration(CURLINFO_NAMELOOKUP_TIME_T),
            connect: duration(CURLINFO_CONNECT_TIME_T),
            tlsHandshake: duration(CURLINFO_APPCONNECT_TIME_T),
            firstByte: duration(CURLINFO_STARTTRANSFER_TIME_T),
            total: duration(CURLINFO_TOTAL_TIME_T)
        )
        return TransferFacts(
            requestBytesSent: sent,
            // No new connection, yet request bytes went out: they went on a kept connection.
            connectionReused: newConnections == 0 && sent > 0,
            timings: timings,
            remoteAddress: remoteAddress()
        )
    }

    /// `ip:port` (`[ip]:port` for IPv6), or `unix:<path>` through a Unix socket; `nil` before any connect.
    private func remoteAddress() -> String? {
        if let path = plan.unixSocketPath {
            return "unix:\(path)"
        }
        guard let ip = getString(CURLINFO_PRIMARY_IP), !ip.isEmpty else {
            return nil
        }
        let port = getLong(CURLINFO_PRIMARY_PORT) ?? 0
        let host = ip.contains(":") ? "[\(ip)]" : ip
        return port > 0 ? "\(host):\(port)" : host
    }

    private func duration(_ info: CURLINFO) -> Duration {
        guard let microseconds = getOffset(info), microseconds > 0 else {
            return .zero
        }
        return .microseconds(microseconds)
    }

    /// A `long` info, or `nil` when libcurl does not have it.
    func getLong(_ info: CURLINFO) -> Int? {
        var value = 0
        guard rcurl_easy_getinfo_long(easy, info, &value) == CURLE_OK else {
            return nil
        }
        return value
    }

    /// A `curl_off_t` info, or `nil` when libcurl does not have it.
    func getOffset(_ info: CURLINFO) -> Int? {
        var value: curl_off_t = 0
        guard rcurl_easy_getinfo_off_t(easy, info, &value) == CURLE_OK else {
            return nil
        }
        return Int(value)
    }

    /// A string info, copied, or `nil` when libcurl does not have it.
    func getString(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard rcurl_easy_getinfo_string(easy, info, &value) == CURLE_OK, let value else {
            return nil
        }
        return String(cString: value)
    }
}
