/// How the PostgreSQL connection uses TLS, as libpq's `sslmode` (the same names, in the URL's `sslmode` or
/// `[state] sslmode`). Over a Unix socket, TLS is never used, as with libpq.
public enum PostgresSSLMode: String, Sendable, Hashable, CaseIterable {
    /// Plain TCP.
    case disable
    /// TLS when the server offers it, else plain; the certificate is not checked (libpq's default).
    case prefer
    /// TLS or no connection; the certificate is not checked (an eavesdropper is kept out, an impostor is not).
    case require
    /// TLS, and the server's certificate must chain to `ca_file` (or the system's roots); the host name is not
    /// checked.
    case verifyCA = "verify-ca"
    /// TLS, the certificate must chain to `ca_file` (or the system's roots) and name the host: the mode for a
    /// database reached over a network.
    case verifyFull = "verify-full"

    /// The names, for messages.
    static let names = allCases.map(\.rawValue).joined(separator: ", ")
}
