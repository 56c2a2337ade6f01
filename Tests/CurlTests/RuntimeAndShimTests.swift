import CCurl
import Testing

@testable import Curl

/// `CurlRuntime` and the typed wrappers of `shim.h`.
@Suite struct RuntimeAndShimTests {
    @Test func runtimeInitializesOnceAndHasTLS() throws {
        try CurlRuntime.initialize()
        try CurlRuntime.initialize()
        #expect(CurlRuntime.hasTLS)
        #expect(CurlRuntime.version.hasPrefix("7.") || CurlRuntime.version.hasPrefix("8."))
        #expect(CurlRuntime.tlsBackend != nil)
        #expect(CurlRuntime.versionDescription.hasPrefix("libcurl "))
    }

    @Test func everySetoptWrapperAcceptsTheOptionsWeSet() throws {
        try CurlRuntime.initialize()
        let easy = try #require(curl_easy_init())
        defer { curl_easy_cleanup(easy) }

        let longs: [(CURLoption, Int)] = [
            (CURLOPT_NOSIGNAL, 1), (CURLOPT_FOLLOWLOCATION, 0), (CURLOPT_CONNECTTIMEOUT_MS, 5000),
            (CURLOPT_TIMEOUT_MS, 30000), (CURLOPT_LOW_SPEED_LIMIT, 1), (CURLOPT_LOW_SPEED_TIME, 15),
            (CURLOPT_TCP_KEEPALIVE, 1), (CURLOPT_TCP_KEEPIDLE, 60), (CURLOPT_TCP_KEEPINTVL, 30),
            (CURLOPT_MAXAGE_CONN, 110), (CURLOPT_SSL_VERIFYPEER, 1), (CURLOPT_SSL_VERIFYHOST, 2),
            (CURLOPT_FAILONERROR, 0), (CURLOPT_HTTPGET, 1), (CURLOPT_NOBODY, 0), (CURLOPT_POST, 1),
            (CURLOPT_VERBOSE, 0),
        ]
        for (option, value) in longs {
            #expect(rcurl_easy_setopt_long(easy, option, value) == CURLE_OK, "long option \(option.rawValue)")
        }
        let strings: [(CURLoption, String)] = [
            (CURLOPT_URL, "https://127.0.0.1/"), (CURLOPT_PROXY, ""), (CURLOPT_UNIX_SOCKET_PATH, "/tmp/x.sock"),
            (CURLOPT_CAINFO, "/etc/ssl/certs/ca-certificates.crt"), (CURLOPT_CUSTOMREQUEST, "PATCH"),
            (CURLOPT_USERAGENT, "replayd"),
        ]
        for (option, value) in strings {
            #expect(rcurl_easy_setopt_string(easy, option, value) == CURLE_OK, "string option \(option.rawValue)")
        }
        #expect(rcurl_easy_restrict_to_http(easy) == CURLE_OK)

        var body: [UInt8] = [1, 2, 3]
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE))
        #expect(rcurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, 3) == CURLE_OK)
        body.withUnsafeMutableBytes { bytes in
            #expect(rcurl_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, bytes.baseAddress) == CURLE_OK)
        }
        errorBuffer.withUnsafeMutableBytes { bytes in
            #expect(rcurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, bytes.baseAddress) == CURLE_OK)
        }
        #expect(rcurl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, nil) == CURLE_OK)
        #expect(rcurl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, nil) == CURLE_OK)
        #expect(rcurl_easy_setopt_pointer(easy, CURLOPT_DEBUGDATA, nil) == CURLE_OK)
        #expect(rcurl_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, CurlTransfer.writeBody) == CURLE_OK)
        #expect(
            rcurl_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, CurlTransfer.receiveHeaderLine) == CURLE_OK
        )
        #expect(rcurl_easy_setopt_debug_callback(easy, CURLOPT_DEBUGFUNCTION, CurlTransfer.observe) == CURLE_OK)
        // The re-send guard behind `.reuseWithoutResend` (7.80.0+); this libcurl must have it, or replay POSTs
        // silently fall back to a connection each.
        #expect(rcurl_easy_setopt_prereq_callback(easy, CurlTransfer.beforeRequest, nil) == CURLE_OK)
        #expect(rcurl_easy_setopt_long(easy, CURLOPT_FRESH_CONNECT, 0) == CURLE_OK)

        let list = try #require(curl_slist_append(nil, "Expect:"))
        defer { curl_slist_free_all(list) }
        #expect(rcurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list) == CURLE_OK)
        // Unset the pointers into Swift arrays before they go away.
        #expect(rcurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, nil) == CURLE_OK)
        #expect(rcurl_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, nil) == CURLE_OK)
        #expect(rcurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, nil) == CURLE_OK)
    }

    @Test func wrappersRefuseOptionsOfTheWrongType() throws {
        try CurlRuntime.initialize()
        let easy = try #require(curl_easy_init())
        defer { curl_easy_cleanup(easy) }
        #expect(rcurl_easy_setopt_long(easy, CURLOPT_URL, 1) == CURLE_BAD_FUNCTION_ARGUMENT)
        #expect(rcurl_easy_setopt_string(easy, CURLOPT_NOSIGNAL, "1") == CURLE_BAD_FUNCTION_ARGUMENT)
        #expect(rcurl_easy_setopt_off_t(easy, CURLOPT_TIMEOUT_MS, 1) == CURLE_BAD_FUNCTION_ARGUMENT)
        #expect(
            rcurl_easy_setopt_write_callback(easy, CURLOPT_DEBUGFUNCTION, CurlTransfer.writeBody)
                == CURLE_BAD_FUNCTION_ARGUMENT
        )
        var number = 0
        var offset: curl_off_t = 0
        var text: UnsafeMutablePointer<CChar>?
        #expect(rcurl_easy_getinfo_long(easy, CURLINFO_TOTAL_TIME_T, &number) == CURLE_BAD_FUNCTION_ARGUMENT)
        #expect(rcurl_easy_getinfo_off_t(easy, CURLINFO_RESPONSE_CODE, &offset) == CURLE_BAD_FUNCTION_ARGUMENT)
        #expect(rcurl_easy_getinfo_string(easy, CURLINFO_NUM_CONNECTS, &text) == CURLE_BAD_FUNCTION_ARGUMENT)
        let multi = try #require(curl_multi_init())
        defer { curl_multi_cleanup(multi) }
        #expect(rcurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX)) == CURLM_OK)
        #expect(rcurl_multi_setopt_long(multi, CURLMOPT_SOCKETDATA, 1) == CURLM_UNKNOWN_OPTION)
    }

    @Test func everyGetinfoWrapperReadsTheInfosWeUse() throws {
        try CurlRuntime.initialize()
        let easy = try #require(curl_easy_init())
        defer { curl_easy_cleanup(easy) }
        var number = 0
        for info in [CURLINFO_RESPONSE_CODE, CURLINFO_REQUEST_SIZE, CURLINFO_NUM_CONNECTS, CURLINFO_PRIMARY_PORT] {
            #expect(rcurl_easy_getinfo_long(easy, info, &number) == CURLE_OK, "long info \(info.rawValue)")
        }
        var offset: curl_off_t = 0
        let offsets = [
            CURLINFO_SIZE_UPLOAD_T, CURLINFO_NAMELOOKUP_TIME_T, CURLINFO_CONNECT_TIME_T, CURLINFO_APPCONNECT_TIME_T,
            CURLINFO_STARTTRANSFER_TIME_T, CURLINFO_TOTAL_TIME_T,
        ]
        for info in offsets {
            #expect(rcurl_easy_getinfo_off_t(easy, info, &offset) == CURLE_OK, "off_t info \(info.rawValue)")
        }
        var text: UnsafeMutablePointer<CChar>?
        #expect(rcurl_easy_getinfo_string(easy, CURLINFO_PRIMARY_IP, &text) == CURLE_OK)
    }

    @Test(arguments: [
        HTTPRequest(method: "GET", url: "https://127.0.0.1/"),
        HTTPRequest(method: "HEAD", url: "http://localhost:8080/"),
        HTTPRequest(method: "POST", url: "https://example.com/v1", headers: ["Authorization": "k"], body: [1, 2]),
        HTTPRequest(method: "POST", url: "https://example.com/v1"),
        HTTPRequest(method: "PUT", url: "http://[::1]:9/", timeout: .milliseconds(1500)),
        HTTPRequest(method: "DELETE", url: "http://x.internal/", unixSocketPath: "/tmp/replayd.sock"),
    ])
    func transferConfigurationSucceedsForEveryShapeOfRequest(request: HTTPRequest) throws {
        try CurlRuntime.initialize()
        let configuration = CurlClientConfiguration(caBundlePath: "/etc/ssl/certs/ca-certificates.crt")
        let plan = try CurlTransferPlan(request: request, configuration: configuration)
        let transfer = try CurlTransfer(ticket: CurlTicket(id: 1), plan: plan)
        defer { transfer.close() }
        try transfer.configure()
    }
}
