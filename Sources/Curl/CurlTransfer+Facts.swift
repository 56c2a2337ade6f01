import CCurl

extension CurlTransfer {
    /// What happened on the wire, read from the handle. Call before `close`.
    ///
    /// `requestBytesSent` is the number of request bytes (header and body) libcurl reported writing to the
    /// connection through `CURLINFO_HEADER_OUT` and `CURLINFO_DATA_OUT` in the debug callback. libcurl calls it
    /// after each successful socket write, with the count actually written, on the connection that carried the
    /// transfer, so a failed connect counts 0 and a request that was written and then met a stall or a reset
    /// counts its full size.
    /// `CURLINFO_REQUEST_SIZE` plus `CURLINFO_SIZE_UPLOAD_T` is only a fallback: REQUEST_SIZE is zeroed when
    /// libcurl retries a request on a fresh connection after a reused one turned out dead, and it counts an
    /// inline body that SIZE_UPLOAD counts again, so it can be neither trusted to be zero nor to be exact.
    func facts() -> TransferFacts {
        noteThread()
        var sent = requestBytesWritten
        if sent == 0 {
            let requestSize = getLong(CURLINFO_REQUEST_SIZE) ?? 0
            let uploaded = getOffset(CURLINFO_SIZE_UPLOAD_T) ?? 0
            sent = max(0, requestSize) + max(0, uploaded)
        }
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
