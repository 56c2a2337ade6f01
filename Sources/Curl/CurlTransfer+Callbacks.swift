import CCurl

// libcurl's callbacks. Each is a non-capturing C function: the transfer comes from the userdata pointer,
// they copy what they need and return a byte count, and they never throw, await or block.
extension CurlTransfer {
    /// `CURLOPT_WRITEFUNCTION`: appends body bytes; returning less than `length` aborts the transfer with
    /// `CURLE_WRITE_ERROR`, which is how a body over the cap stops.
    static let writeBody: curl_write_callback = { data, size, count, userdata in
        guard let userdata else {
            return 0
        }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        transfer.noteThread()
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow else {
            return 0
        }
        guard length > 0, let data else {
            return length
        }
        guard transfer.responseBody.count + length <= transfer.plan.maxResponseBodyBytes else {
            transfer.bodyLimitExceeded = true
            return 0
        }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        transfer.responseBody.append(contentsOf: bytes)
        return length
    }

    /// `CURLOPT_HEADERFUNCTION`: one raw header line per call (status line, fields, the blank line).
    static let receiveHeaderLine: curl_write_callback = { data, size, count, userdata in
        guard let userdata else {
            return 0
        }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        transfer.noteThread()
        let (length, overflow) = size.multipliedReportingOverflow(by: count)
        guard !overflow else {
            return 0
        }
        guard length > 0, let data else {
            return length
        }
        transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// `CURLOPT_DEBUGFUNCTION`: counts request bytes as libcurl reports having written them. See
    /// `facts()` for why this, and not `CURLINFO_REQUEST_SIZE`, is the measure.
    static let observe: curl_debug_callback = { _, kind, _, size, userdata in
        guard let userdata else {
            return 0
        }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        transfer.noteThread()
        if kind == CURLINFO_HEADER_OUT || kind == CURLINFO_DATA_OUT {
            transfer.requestBytesWritten += size
        }
        return 0
    }

    /// `CURLOPT_PREREQFUNCTION`, installed for `.reuseWithoutResend`: runs each time libcurl is about to send
    /// the request on a connection. The first time is the request itself. A second time is libcurl's own
    /// retry after the kept connection died before an answer byte (`Curl_retry_request`): allowed only while
    /// nothing of the first copy was written, because then the server cannot have read it. Otherwise it is
    /// refused and the transfer fails (`CURLE_ABORTED_BY_CALLBACK`, reported as `.resendRefused`).
    static let beforeRequest: rcurl_prereq_callback = { userdata, _, _, _, _ in
        guard let userdata else {
            return RCURL_PREREQFUNC_ABORT
        }
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(userdata).takeUnretainedValue()
        transfer.noteThread()
        transfer.requestStarts += 1
        guard transfer.requestStarts > 1 else {
            return RCURL_PREREQFUNC_OK
        }
        let written = max(transfer.requestBytesWritten, transfer.getLong(CURLINFO_REQUEST_SIZE) ?? 0)
        guard written == 0 else {
            transfer.resendRefused = true
            return RCURL_PREREQFUNC_ABORT
        }
        return RCURL_PREREQFUNC_OK
    }

    /// Folds one raw header line into `responseHeaders`.
    private func receiveHeaderLine(_ raw: UnsafeRawBufferPointer) {
        var line = raw[...]
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line = line.dropLast()
        }
        guard let first = line.first else {
            return  // the blank line that ends a header block
        }
        // A status line starts a new response (after `100 Continue`, a redirect or a proxy's answer):
        // forget the previous block so only the final response's fields are kept.
        if line.starts(with: "HTTP/".utf8) {
            responseHeaders.removeAll(keepingCapacity: true)
            return
        }
        // Obsolete line folding: a continuation of the previous field's value.
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            if let index = responseHeaders.indices.last {
                let continuation = String(decoding: line, as: UTF8.self).trimmingWhitespace()
                responseHeaders[index].value += " " + continuation
            }
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            return  // not a field; ignore rather than fail the transfer
        }
        let name = String(decoding: line[..<colon], as: UTF8.self).trimmingWhitespace()
        let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingWhitespace()
        guard !name.isEmpty else {
            return
        }
        responseHeaders.append((name: name, value: value))
    }
}

extension String {
    /// The string without leading and trailing spaces and horizontal tabs.
    fileprivate func trimmingWhitespace() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
