/// A transfer that ended without an HTTP response, mapped from libcurl's `CURLcode`.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The class of failure. Stable: callers switch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidRequest = "invalid_request"
            case insecureURL = "insecure_url"
            case couldNotResolveHost = "could_not_resolve_host"
            case couldNotConnect = "could_not_connect"
            case timedOut = "timed_out"
            case sendFailed = "send_failed"
            case receiveFailed = "receive_failed"
            case resendRefused = "resend_refused"
            case tls = "tls"
            case responseTooLarge = "response_too_large"
            case cancelled = "cancelled"
            case shutdown = "shutdown"
            case other = "other"
        }
        fileprivate let base: Base
        fileprivate init(_ base: Base) { self.base = base }

        /// The URL or a request option was refused before any network activity.
        public static let invalidRequest = Code(.invalidRequest)
        /// A plain `http://` URL to a host that is not loopback, without `allowInsecureHTTP`.
        public static let insecureURL = Code(.insecureURL)
        /// DNS failed.
        public static let couldNotResolveHost = Code(.couldNotResolveHost)
        /// The TCP or Unix-socket connect failed (refused, unreachable, no such socket).
        public static let couldNotConnect = Code(.couldNotConnect)
        /// The connect timeout, the total timeout or the low-speed limit fired.
        public static let timedOut = Code(.timedOut)
        /// Writing the request failed (for example a reset while sending).
        public static let sendFailed = Code(.sendFailed)
        /// Reading the response failed (for example a reset after the request was sent, or an empty reply).
        public static let receiveFailed = Code(.receiveFailed)
        /// A kept connection died after (part of) the request was written and before any answer byte, and
        /// libcurl was about to send the request again on a fresh connection. That second copy was refused:
        /// the server may have read the first one. Only requests sent with
        /// `HTTPRequest.ConnectionReuse.reuseWithoutResend` get this; the request counts as sent (`facts.requestSent`).
        public static let resendRefused = Code(.resendRefused)
        /// TLS handshake or certificate verification failed.
        public static let tls = Code(.tls)
        /// The response body was larger than the configured cap; the transfer was aborted.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// The calling task was cancelled; the transfer was removed.
        public static let cancelled = Code(.cancelled)
        /// The client was shut down before the transfer finished.
        public static let shutdown = Code(.shutdown)
        /// Any other libcurl failure.
        public static let other = Code(.other)

        /// A stable snake_case name, for logs and error envelopes.
        public var description: String { base.rawValue }
    }

    /// The class of failure.
    public var code: Code
    /// The raw `CURLcode` (0 when the failure happened before libcurl was involved).
    public var curlCode: Int32
    /// A human-readable message (libcurl's error buffer when it had one). Never contains request headers.
    public var message: String
    /// What happened on the wire before the failure.
    public var facts: TransferFacts

    /// Creates an error.
    public init(code: Code, curlCode: Int32 = 0, message: String, facts: TransferFacts = TransferFacts()) {
        self.code = code
        self.curlCode = curlCode
        self.message = message
        self.facts = facts
    }

    public var description: String {
        "\(code) (curl \(curlCode)): \(message)"
    }
}
