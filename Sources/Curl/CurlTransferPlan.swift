/// Everything needed to configure one easy handle, validated and computed on the caller's thread from an
/// `HTTPRequest` and the client's configuration. Plain data: the network thread turns it into libcurl options.
struct CurlTransferPlan: Sendable {
    /// How the request body is handed to libcurl.
    enum Body: Sendable, Equatable {
        /// No body, no `Content-Length` (GET, DELETE, ...).
        case none
        /// `CURLOPT_POSTFIELDS` with these bytes; empty sends `Content-Length: 0`.
        case fields([UInt8])
    }

    /// How the transfer may use the multi handle's connection cache.
    enum ConnectionReuse: Sendable, Equatable {
        /// Take a kept connection when there is one. If it dies before the first answer byte, libcurl sends the
        /// request again on a fresh connection by itself: harmless for an idempotent request.
        case reuse
        /// Take a kept connection, but let libcurl start the request a second time only while no byte of it
        /// has been written (`CURLOPT_PREREQFUNCTION`). Once a byte went out, the server may have read the
        /// request, so libcurl's own re-send is refused and the transfer fails with `.resendRefused`. Where
        /// libcurl has no pre-request callback (before 7.80.0) this falls back to `.fresh`.
        case reuseWithoutResend
        /// Always a new connection (`CURLOPT_FRESH_CONNECT`); libcurl never retries on a fresh connection.
        case fresh
    }

    /// How the method is expressed to libcurl.
    enum MethodOption: Sendable, Equatable {
        /// libcurl's default GET.
        case get
        /// `CURLOPT_NOBODY`: HEAD, and libcurl does not wait for a body.
        case head
        /// `CURLOPT_POST`.
        case post
        /// `CURLOPT_CUSTOMREQUEST` with this method.
        case custom(String)
    }

    var url: String
    var verdict: CurlURLPolicy.Verdict
    var method: MethodOption
    var body: Body
    /// Lines for the `curl_slist`, already in libcurl's syntax (`Name: value`, `Name;` for an empty value,
    /// `Name:` to suppress a header libcurl would add).
    var headerLines: [String]
    /// Set when the request has no `User-Agent` of its own.
    var userAgent: String?
    var unixSocketPath: String?
    var caBundlePath: String?
    var connectTimeoutMilliseconds: Int
    var totalTimeoutMilliseconds: Int
    var lowSpeedLimitBytesPerSecond: Int
    var lowSpeedTimeSeconds: Int
    var maxConnectionAgeSeconds: Int
    var maxResponseBodyBytes: Int
    /// From the request's `connectionReuse`: `.automatic` is `.reuse` for idempotent requests and `.fresh`
    /// for the others.
    var connectionReuse: ConnectionReuse

    /// Validates `request` and computes the plan.
    ///
    /// - Throws: `.invalidRequest` or `.insecureURL` (see `CurlURLPolicy`); nothing has touched the network.
    init(request: HTTPRequest, configuration: CurlClientConfiguration) throws(CurlError) {
        if let path = request.unixSocketPath {
            guard !path.isEmpty, !path.utf8.contains(0) else {
                throw CurlError(code: .invalidRequest, message: "the Unix socket path is empty or contains NUL")
            }
        }
        verdict = try CurlURLPolicy.check(
            url: request.url,
            unixSocketPath: request.unixSocketPath,
            allowInsecureHTTP: configuration.allowInsecureHTTP
        )
        url = request.url
        unixSocketPath = request.unixSocketPath
        caBundlePath = configuration.caBundlePath

        guard Self.isToken(request.method) else {
            throw CurlError(code: .invalidRequest, message: "the request method is not a valid HTTP token")
        }
        (method, body) = try Self.methodAndBody(method: request.method, body: request.body)
        headerLines = try Self.headerLines(request.headers, body: body)
        userAgent =
            request.headers["User-Agent"] == nil && !configuration.userAgent.isEmpty
            ? configuration.userAgent : nil
        if let agent = userAgent, !Self.isValidFieldValue(agent) {
            throw CurlError(code: .invalidRequest, message: "the configured User-Agent contains control characters")
        }

        if let timeout = request.timeout, timeout <= .zero {
            throw CurlError(code: .invalidRequest, message: "the request timeout must be positive")
        }
        connectTimeoutMilliseconds = Self.milliseconds(configuration.connectTimeout)
        totalTimeoutMilliseconds = Self.milliseconds(request.timeout ?? configuration.totalTimeout)
        lowSpeedLimitBytesPerSecond = max(0, configuration.lowSpeedLimitBytesPerSecond)
        lowSpeedTimeSeconds = Self.seconds(configuration.lowSpeedTime)
        maxConnectionAgeSeconds = Self.seconds(configuration.maxConnectionAge)
        maxResponseBodyBytes = max(0, configuration.maxResponseBodyBytes)
        switch request.connectionReuse {
        case .automatic: connectionReuse = request.isIdempotent ? .reuse : .fresh
        case .reuseWithoutResend: connectionReuse = .reuseWithoutResend
        case .fresh: connectionReuse = .fresh
        }
    }

    private static func methodAndBody(method: String, body: [UInt8]?) throws(CurlError) -> (MethodOption, Body) {
        switch method {
        case "GET" where body == nil:
            return (.get, .none)
        case "HEAD":
            guard body == nil else {
                throw CurlError(code: .invalidRequest, message: "a HEAD request cannot have a body")
            }
            return (.head, .none)
        case "POST":
            // A POST without a body still sends `Content-Length: 0`, which libcurl does for empty POSTFIELDS.
            return (.post, .fields(body ?? []))
        case "PUT", "PATCH":
            return (.custom(method), .fields(body ?? []))
        default:
            return (.custom(method), body.map(Body.fields) ?? .none)
        }
    }

    private static func headerLines(_ headers: HTTPHeaders, body: Body) throws(CurlError) -> [String] {
        var lines: [String] = []
        lines.reserveCapacity(headers.fields.count + 2)
        for field in headers {
            guard isToken(field.name) else {
                throw CurlError(code: .invalidRequest, message: "invalid header name \"\(field.name)\"")
            }
            // Never quote the value in the message: it may be a credential.
            guard isValidFieldValue(field.value) else {
                throw CurlError(code: .invalidRequest, message: "the value of header \(field.name) is invalid")
            }
            if field.name.lowercased() == "content-length" {
                continue  // libcurl derives it from the body; a second, different one would corrupt the message
            }
            // `Name:` would tell libcurl to remove the header; `Name;` sends it with an empty value.
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // libcurl adds `Expect: 100-continue` to larger bodies and then waits for the interim response, which
        // costs a round trip (or a second) for nothing here; an empty `Expect:` suppresses it.
        if headers["Expect"] == nil {
            lines.append("Expect:")
        }
        // With POSTFIELDS libcurl would claim `application/x-www-form-urlencoded`; send no type instead.
        if case .fields = body, headers["Content-Type"] == nil {
            lines.append("Content-Type:")
        }
        return lines
    }

    /// RFC 9110 `token`: the syntax of methods and header names.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default:
                    return "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }

    /// A header value without CR, LF, NUL or other control characters except horizontal tab.
    static func isValidFieldValue(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// `duration` in whole milliseconds, rounded up and at least 1: libcurl reads 0 as "no limit".
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, duration > .zero else {
            return 1
        }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let fraction = (attoseconds + perMillisecond - 1) / perMillisecond
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow, scaled <= Int64(Int32.max) else {
            return Int(Int32.max)
        }
        return max(1, Int(scaled + fraction))
    }

    /// `duration` in whole seconds, rounded up and at least 1.
    static func seconds(_ duration: Duration) -> Int {
        max(1, (milliseconds(duration) + 999) / 1000)
    }
}
