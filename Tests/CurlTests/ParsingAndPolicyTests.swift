import CCurl
import Testing

@testable import Curl

/// Response header parsing and the URL policy, without the network.
@Suite struct ParsingAndPolicyTests {
    /// Feeds raw header lines to the header callback, as libcurl would.
    private func headers(afterLines lines: [String]) throws -> [(name: String, value: String)] {
        try CurlRuntime.initialize()
        let plan = try CurlTransferPlan(
            request: HTTPRequest(method: "GET", url: "https://127.0.0.1/"),
            configuration: CurlClientConfiguration()
        )
        let transfer = try CurlTransfer(ticket: CurlTicket(id: 1), plan: plan)
        defer { transfer.close() }
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        for line in lines {
            var bytes = Array(line.utf8).map { CChar(bitPattern: $0) }
            let count = bytes.count
            let consumed = bytes.withUnsafeMutableBufferPointer { buffer in
                CurlTransfer.receiveHeaderLine(buffer.baseAddress, 1, count, userdata)
            }
            #expect(consumed == count)
        }
        return transfer.responseHeaders
    }

    @Test func onlyTheFinalResponsesHeadersAreKept() throws {
        let fields = try headers(afterLines: [
            "HTTP/1.1 100 Continue\r\n", "X-Interim: yes\r\n", "\r\n",
            "HTTP/1.1 200 OK\r\n", "Content-Type: text/plain\r\n", "X-Spaced:   padded value \t\r\n",
            "X-Folded: first\r\n", " second\r\n", "not a header line\r\n", "\r\n",
        ])
        #expect(fields.map(\.name) == ["Content-Type", "X-Spaced", "X-Folded"])
        #expect(fields.map(\.value) == ["text/plain", "padded value", "first second"])
    }

    @Test func writeCallbackRefusesBytesOverTheCap() throws {
        try CurlRuntime.initialize()
        let plan = try CurlTransferPlan(
            request: HTTPRequest(method: "GET", url: "https://127.0.0.1/"),
            configuration: CurlClientConfiguration(maxResponseBodyBytes: 4)
        )
        let transfer = try CurlTransfer(ticket: CurlTicket(id: 1), plan: plan)
        defer { transfer.close() }
        let userdata = Unmanaged.passUnretained(transfer).toOpaque()
        var bytes: [CChar] = [1, 2, 3]
        let first = bytes.withUnsafeMutableBufferPointer { CurlTransfer.writeBody($0.baseAddress, 1, 3, userdata) }
        let second = bytes.withUnsafeMutableBufferPointer { CurlTransfer.writeBody($0.baseAddress, 1, 3, userdata) }
        #expect(first == 3)
        #expect(second == 0)
        #expect(transfer.bodyLimitExceeded)
        #expect(transfer.responseBody == [1, 2, 3])
    }

    @Test(arguments: ["localhost", "LocalHost", "127.0.0.1", "127.255.0.9", "[::1]", "[0:0:0:0:0:0:0:1]"])
    func loopbackHosts(host: String) {
        #expect(CurlURLPolicy.isLoopback(host: host))
    }

    @Test(arguments: ["example.com", "128.0.0.1", "10.0.0.1", "[::2]", "127.0.0.1.example", "localhost.evil", "127.1"])
    func nonLoopbackHosts(host: String) {
        #expect(!CurlURLPolicy.isLoopback(host: host))
    }

    @Test func policyVerdicts() throws {
        try CurlRuntime.initialize()
        let check = { (url: String, socket: String?, allow: Bool) throws(CurlError) -> CurlURLPolicy.Verdict in
            try CurlURLPolicy.check(url: url, unixSocketPath: socket, allowInsecureHTTP: allow)
        }
        #expect(try check("https://example.com/", nil, false) == .tls)
        #expect(try check("HTTPS://example.com/", nil, false) == .tls)
        #expect(try check("http://127.0.0.1:1/", nil, false) == .loopbackHTTP)
        #expect(try check("http://[::1]:1/", nil, false) == .loopbackHTTP)
        #expect(try check("http://localhost/", nil, false) == .loopbackHTTP)
        #expect(try check("http://api.internal/", "/tmp/s.sock", false) == .unixSocketHTTP)
        #expect(try check("http://example.com/", nil, true) == .insecureHTTPAllowed(host: "example.com"))
        #expect(throws: CurlError.self) { try check("http://example.com/", nil, false) }
        #expect(throws: CurlError.self) { try check("file:///etc/passwd", nil, true) }
    }

    @Test func curlCodesMapToTheDocumentedClasses() {
        let expectations: [(CURLcode, CurlError.Code)] = [
            (CURLE_COULDNT_RESOLVE_HOST, .couldNotResolveHost), (CURLE_COULDNT_RESOLVE_PROXY, .couldNotResolveHost),
            (CURLE_COULDNT_CONNECT, .couldNotConnect), (CURLE_OPERATION_TIMEDOUT, .timedOut),
            (CURLE_SEND_ERROR, .sendFailed), (CURLE_RECV_ERROR, .receiveFailed), (CURLE_GOT_NOTHING, .receiveFailed),
            (CURLE_PARTIAL_FILE, .receiveFailed), (CURLE_SSL_CONNECT_ERROR, .tls),
            (CURLE_PEER_FAILED_VERIFICATION, .tls), (CURLE_SSL_CACERT_BADFILE, .tls),
            (CURLE_URL_MALFORMAT, .invalidRequest), (CURLE_UNSUPPORTED_PROTOCOL, .invalidRequest),
            (CURLE_WRITE_ERROR, .other), (CURLE_OUT_OF_MEMORY, .other),
        ]
        for (code, expected) in expectations {
            #expect(CurlError.mapCode(code, bodyLimitExceeded: false) == expected, "CURLcode \(code.rawValue)")
        }
        #expect(CurlError.mapCode(CURLE_WRITE_ERROR, bodyLimitExceeded: true) == .responseTooLarge)
    }

    @Test func durationsConvertWithoutEverMeaningNoLimit() {
        #expect(CurlTransferPlan.milliseconds(.seconds(1)) == 1000)
        #expect(CurlTransferPlan.milliseconds(.microseconds(1)) == 1)
        #expect(CurlTransferPlan.milliseconds(.zero) == 1)
        #expect(CurlTransferPlan.milliseconds(.seconds(-5)) == 1)
        #expect(CurlTransferPlan.milliseconds(.milliseconds(1500)) == 1500)
        #expect(CurlTransferPlan.milliseconds(.seconds(Int64.max)) == Int(Int32.max))
        #expect(CurlTransferPlan.seconds(.milliseconds(1)) == 1)
        #expect(CurlTransferPlan.seconds(.seconds(110)) == 110)
    }
}
