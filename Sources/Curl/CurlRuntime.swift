import CCurl
import Synchronization

/// Process-wide libcurl setup: the one `curl_global_init` call, and what the linked libcurl can do.
///
/// `main` calls ``initialize()`` once, early, before it starts other threads that might use libcurl.
/// `CurlClient.init` calls it too, so forgetting it is not fatal, but doing it first in `main` keeps the
/// non-thread-safe part of libcurl's global setup away from any concurrency.
///
/// - Important: This library does not touch signal dispositions. Every transfer sets `CURLOPT_NOSIGNAL`, so
///   libcurl installs no handlers of its own, and a write to a connection the peer has closed (TLS in
///   particular) can raise `SIGPIPE`, which kills the process by default. The executable must ignore it,
///   for example with `signal(SIGPIPE, SIG_IGN)` at the top of `main`, before the first request.
public enum CurlRuntime {
    /// The outcome of the first ``initialize()`` call, kept so later calls return it without redoing it.
    private static let outcome = Mutex<Result<Void, CurlError>?>(nil)

    /// Initializes libcurl for the process. Thread-safe and idempotent: the first call does the work, and
    /// every call returns (or throws) what the first one found.
    ///
    /// - Throws: `CurlError` with code `.tls` when the linked libcurl has no TLS support (replayd only
    ///   talks HTTPS to the outside), or `.other` when `curl_global_init` fails.
    public static func initialize() throws(CurlError) {
        let result = outcome.withLock { stored -> Result<Void, CurlError> in
            if let stored {
                return stored
            }
            let first = firstInitialization()
            stored = first
            return first
        }
        try result.get()
    }

    /// The linked libcurl's version, for example `"7.88.1"`.
    public static var version: String {
        guard let info = rcurl_version_info_now(), let version = info.pointee.version else {
            return "unknown"
        }
        return String(cString: version)
    }

    /// The linked libcurl's TLS backend, for example `"OpenSSL/3.0.11"`, or `nil` when it has none.
    public static var tlsBackend: String? {
        guard let info = rcurl_version_info_now(), let ssl = info.pointee.ssl_version else {
            return nil
        }
        return String(cString: ssl)
    }

    /// Whether the linked libcurl was built with TLS support (`CURL_VERSION_SSL`).
    public static var hasTLS: Bool {
        guard let info = rcurl_version_info_now() else {
            return false
        }
        return rcurl_features_have_ssl(info.pointee.features) != 0
    }

    /// One line for startup logs: `"libcurl 7.88.1 (OpenSSL/3.0.11)"`.
    public static var versionDescription: String {
        "libcurl \(version) (\(tlsBackend ?? "no TLS"))"
    }

    private static func firstInitialization() -> Result<Void, CurlError> {
        guard hasTLS else {
            return .failure(
                CurlError(
                    code: .tls,
                    message: "the linked libcurl \(version) was built without TLS support (CURL_VERSION_SSL)"
                )
            )
        }
        let code = rcurl_global_init_default()
        guard code == CURLE_OK else {
            return .failure(
                CurlError(
                    code: .other,
                    curlCode: Int32(bitPattern: code.rawValue),
                    message: "curl_global_init failed: \(CurlError.describe(code))"
                )
            )
        }
        return .success(())
    }
}
