import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which URLs `CurlClient` accepts, decided before any network activity.
///
/// The URL is parsed with libcurl's own parser (`curl_url`), the one the transfer will use, so the host we
/// judge is the host libcurl connects to. Only `http` and `https` are accepted. TLS verification is always on,
/// so `https` is always fine; plain `http` only to a loopback host, through a Unix socket, or when the
/// configuration explicitly allows it.
enum CurlURLPolicy {
    /// Why a URL was accepted.
    enum Verdict: Sendable, Equatable {
        /// `https://`.
        case tls
        /// `http://` to `localhost`, `127.0.0.0/8` or `::1`.
        case loopbackHTTP
        /// `http://` through a Unix domain socket; the host only fills the `Host` header.
        case unixSocketHTTP
        /// `http://` to another host, allowed by `allowInsecureHTTP`. Worth a warning.
        case insecureHTTPAllowed(host: String)
    }

    /// Checks `url` against the policy.
    ///
    /// - Throws: `.invalidRequest` for an unparsable URL or a scheme other than http/https; `.insecureURL` for
    ///   plain http to a host that is not loopback, with no Unix socket and without `allowInsecureHTTP`.
    static func check(url: String, unixSocketPath: String?, allowInsecureHTTP: Bool) throws(CurlError) -> Verdict {
        let (scheme, host) = try parse(url)
        switch scheme {
        case "https":
            return .tls
        case "http":
            if isLoopback(host: host) {
                return .loopbackHTTP
            }
            if unixSocketPath != nil {
                return .unixSocketHTTP
            }
            if allowInsecureHTTP {
                return .insecureHTTPAllowed(host: host)
            }
            throw CurlError(
                code: .insecureURL,
                message: "plain http:// is only allowed to loopback hosts or a Unix socket (host \(host))"
            )
        default:
            throw CurlError(code: .invalidRequest, message: "unsupported URL scheme \"\(scheme)\"")
        }
    }

    /// Whether `host` (as libcurl reports it: IPv6 in brackets) is a loopback name or address.
    static func isLoopback(host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" {
            return true
        }
        if lowered.hasPrefix("["), lowered.hasSuffix("]") {
            var address = in6_addr()
            let inner = String(lowered.dropFirst().dropLast())
            guard inet_pton(AF_INET6, inner, &address) == 1 else {
                return false
            }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            return bytes == [UInt8](repeating: 0, count: 15) + [1]
        }
        // inet_pton accepts exactly four decimal octets, so "127.1" or "0x7f.0.0.1" do not pass here.
        var address = in_addr()
        guard inet_pton(AF_INET, lowered, &address) == 1 else {
            return false
        }
        return withUnsafeBytes(of: &address) { $0.first } == 127
    }

    /// The lower-cased scheme and the host of `url`, from libcurl's URL parser.
    private static func parse(_ url: String) throws(CurlError) -> (scheme: String, host: String) {
        guard !url.utf8.contains(0) else {
            throw CurlError(code: .invalidRequest, message: "the URL contains a NUL byte")
        }
        guard let handle = curl_url() else {
            throw CurlError(code: .other, message: "curl_url failed (out of memory)")
        }
        defer { curl_url_cleanup(handle) }
        let setCode = curl_url_set(handle, CURLUPART_URL, url, 0)
        guard setCode == CURLUE_OK else {
            throw CurlError(code: .invalidRequest, message: "malformed URL (CURLUcode \(setCode.rawValue))")
        }
        guard let scheme = part(CURLUPART_SCHEME, of: handle), let host = part(CURLUPART_HOST, of: handle) else {
            throw CurlError(code: .invalidRequest, message: "the URL has no scheme or no host")
        }
        return (scheme.lowercased(), host)
    }

    private static func part(_ part: CURLUPart, of handle: OpaquePointer) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, 0) == CURLUE_OK, let value else {
            return nil
        }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
