import CCurl

extension CurlTransfer {
    /// Sets every option on the easy handle and takes the reference the callbacks use.
    ///
    /// Every `setopt` result is checked: an option this libcurl refuses fails the transfer before it starts,
    /// rather than silently running it with different semantics.
    func configure() throws(CurlError) {
        noteThread()
        let userdata = Unmanaged.passRetained(self)
        callbackReference = userdata
        let context = userdata.toOpaque()

        // Threads and signals: no SIGALRM-based DNS timeouts, no signal handlers.
        try set(CURLOPT_NOSIGNAL, 1)

        // What and where.
        try set(CURLOPT_URL, plan.url)
        try check("restricting protocols to http,https", rcurl_easy_restrict_to_http(easy))
        try set(CURLOPT_FOLLOWLOCATION, 0)
        // Environment proxies (`http_proxy`, ...) would silently route our loopback and Unix-socket traffic
        // elsewhere and defeat the URL policy; replayd talks to its upstream directly.
        try set(CURLOPT_PROXY, "")
        if let path = plan.unixSocketPath {
            try set(CURLOPT_UNIX_SOCKET_PATH, path)
        }

        // Limits.
        try set(CURLOPT_CONNECTTIMEOUT_MS, plan.connectTimeoutMilliseconds)
        try set(CURLOPT_TIMEOUT_MS, plan.totalTimeoutMilliseconds)
        try set(CURLOPT_LOW_SPEED_LIMIT, plan.lowSpeedLimitBytesPerSecond)
        try set(CURLOPT_LOW_SPEED_TIME, plan.lowSpeedTimeSeconds)

        // Connections: keep-alive probes, and no reuse of connections older than the upstream's idle limit.
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        try set(CURLOPT_TCP_KEEPIDLE, 60)
        try set(CURLOPT_TCP_KEEPINTVL, 30)
        try set(CURLOPT_MAXAGE_CONN, plan.maxConnectionAgeSeconds)
        // libcurl re-sends a request whose *reused* connection died before the first answer byte
        // (`Curl_retry_request`), with no option to turn that off. For a non-idempotent request that re-send is a
        // silent duplicate, so it is refused by the pre-request callback once a byte went out.
        try configureConnectionReuse(context: context)

        // TLS: verification is always on.
        try set(CURLOPT_SSL_VERIFYPEER, 1)
        try set(CURLOPT_SSL_VERIFYHOST, 2)
        if let path = plan.caBundlePath {
            try set(CURLOPT_CAINFO, path)
        }

        // Errors: any status is a response; the reason for a failure lands in our buffer.
        try set(CURLOPT_FAILONERROR, 0)
        try setPointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBufferPointer))

        try configureRequest()

        // Callbacks.
        try check(
            "CURLOPT_WRITEFUNCTION",
            rcurl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, Self.writeBody)
        )
        try setPointer(CURLOPT_WRITEDATA, context)
        try check(
            "CURLOPT_HEADERFUNCTION",
            rcurl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, Self.receiveHeaderLine)
        )
        try setPointer(CURLOPT_HEADERDATA, context)
        // The debug callback is how we count request bytes written; it only runs with VERBOSE on. With a
        // debug function set, libcurl prints nothing itself.
        try check("CURLOPT_DEBUGFUNCTION", rcurl_easy_setopt_debug_callback(easy, CURLOPT_DEBUGFUNCTION, Self.observe))
        try setPointer(CURLOPT_DEBUGDATA, context)
        try set(CURLOPT_VERBOSE, 1)
    }

    /// `CURLOPT_FRESH_CONNECT`, or the pre-request guard for `.reuseWithoutResend`.
    private func configureConnectionReuse(context: UnsafeMutableRawPointer) throws(CurlError) {
        var fresh = plan.connectionReuse == .fresh
        if plan.connectionReuse == .reuseWithoutResend {
            let code = rcurl_easy_setopt_prereq_callback(easy, Self.beforeRequest, context)
            switch code {
            case CURLE_OK:
                break
            case CURLE_UNKNOWN_OPTION, CURLE_NOT_BUILT_IN:
                fresh = true  // libcurl before 7.80.0: no guard, so no reuse either
                reuseGuardUnavailable = true
            default:
                try check("CURLOPT_PREREQFUNCTION", code)
            }
        }
        try set(CURLOPT_FRESH_CONNECT, fresh ? 1 : 0)
    }

    /// Method, headers and body.
    private func configureRequest() throws(CurlError) {
        switch plan.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1)
        case .head:
            try set(CURLOPT_NOBODY, 1)
        case .post:
            try set(CURLOPT_POST, 1)
        case .custom(let method):
            try set(CURLOPT_CUSTOMREQUEST, method)
        }

        if case .fields(let bytes) = plan.body {
            // POSTFIELDS is not copied by libcurl: keep our own copy until `close`. Allocate at least one byte
            // so an empty body still has a valid pointer (and is sent as `Content-Length: 0`).
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            bodyBuffer = buffer
            buffer.copyBytes(from: bytes)
            try check(
                "CURLOPT_POSTFIELDSIZE_LARGE",
                rcurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            )
            try setPointer(CURLOPT_POSTFIELDS, buffer.baseAddress)
        }

        if let agent = plan.userAgent {
            try set(CURLOPT_USERAGENT, agent)
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for line in plan.headerLines {
            guard let appended = curl_slist_append(list, line) else {
                if let list {
                    curl_slist_free_all(list)
                }
                throw CurlError(code: .other, message: "curl_slist_append failed (out of memory)")
            }
            list = appended
        }
        headerList = list
        if let list {
            try check("CURLOPT_HTTPHEADER", rcurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list))
        }
    }

    /// Sets a `long` option.
    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(Self.name(of: option), rcurl_easy_setopt_long(easy, option, value))
    }

    /// Sets a string option (libcurl copies it).
    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(Self.name(of: option), rcurl_easy_setopt_string(easy, option, value))
    }

    /// Sets a pointer option; the caller keeps the memory alive for the transfer.
    func setPointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(Self.name(of: option), rcurl_easy_setopt_pointer(easy, option, value))
    }

    private func check(_ what: String, _ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(setupCall: "curl_easy_setopt(\(what))", code: code)
        }
    }

    /// A name for error messages; libcurl has a lookup for this, but only from 7.73 on.
    private static func name(of option: CURLoption) -> String {
        "option \(option.rawValue)"
    }
}
