import CCurl

extension CurlError {
    /// Maps a failed transfer's `CURLcode` to an error.
    ///
    /// - Parameters:
    ///   - code: What `curl_multi_info_read` reported.
    ///   - errorBuffer: The handle's `CURLOPT_ERRORBUFFER` text; empty falls back to `curl_easy_strerror`.
    ///   - bodyLimitExceeded: Whether our write callback refused the body for being over the cap, which libcurl
    ///     reports as `CURLE_WRITE_ERROR`.
    ///   - facts: What happened on the wire.
    init(transferCode code: CURLcode, errorBuffer: String, bodyLimitExceeded: Bool, facts: TransferFacts) {
        let mapped = Self.mapCode(code, bodyLimitExceeded: bodyLimitExceeded)
        let message: String
        if mapped == .responseTooLarge {
            message = "the response body exceeded the configured maximum"
        } else if errorBuffer.isEmpty {
            message = Self.describe(code)
        } else {
            message = errorBuffer
        }
        self.init(code: mapped, curlCode: Self.rawCode(code), message: message, facts: facts)
    }

    /// Creates an error for a libcurl call that failed while a transfer was being set up.
    init(setupCall: String, code: CURLcode) {
        self.init(
            code: .other,
            curlCode: Self.rawCode(code),
            message: "\(setupCall) failed: \(Self.describe(code))"
        )
    }

    /// The class of failure for `code`. See the table in the type's documentation of `Code`.
    static func mapCode(_ code: CURLcode, bodyLimitExceeded: Bool) -> Code {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .couldNotResolveHost
        case CURLE_COULDNT_CONNECT:
            return .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_SEND_ERROR:
            return .sendFailed
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            return .receiveFailed
        case CURLE_WRITE_ERROR where bodyLimitExceeded:
            return .responseTooLarge
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .tls
        default:
            // CURLE_SSL_CLIENTCERT (98) is newer than the oldest libcurl we build against; match it by value.
            return rawCode(code) == 98 ? .tls : .other
        }
    }

    /// libcurl's one-line description of `code`.
    static func describe(_ code: CURLcode) -> String {
        guard let text = curl_easy_strerror(code) else {
            return "CURLcode \(rawCode(code))"
        }
        return String(cString: text)
    }

    /// `code` as the plain integer `CurlError.curlCode` holds.
    static func rawCode(_ code: CURLcode) -> Int32 {
        Int32(truncatingIfNeeded: code.rawValue)
    }
}
