import Logging
import NIOSSL
import PostgresNIO

/// Where and how to connect to the PostgreSQL state database, from its URL (a secret: it may hold the password)
/// and `[state]`'s TLS options.
///
/// The URL has libpq's form: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?PARAM=VALUE&…]` (or
/// `postgresql://`), with percent-encoding in each part. A Unix socket is a `host` that is a directory
/// (`postgres://replayd@%2Frun%2Fpostgresql/replayd`, or `?host=/run/postgresql`); the socket file is
/// `DIRECTORY/.s.PGSQL.PORT`. Parameters: `sslmode`, `sslrootcert`, `host`, `port`, `application_name`,
/// `connect_timeout` (seconds); any other is refused.
public struct PostgresConnectionSettings: Sendable, CustomStringConvertible {
    /// Where the server listens.
    public enum Address: Sendable, Hashable {
        /// TCP.
        case tcp(host: String, port: Int)
        /// A Unix socket directory and the server's port (which names the socket file).
        case unixSocket(directory: String, port: Int)
    }

    /// Where the server listens.
    public var address: Address
    /// The role to log in as.
    public var username: String
    /// The password, when the URL has one.
    public var password: Secret?
    /// The database; the role's name when the URL names none (libpq's default).
    public var database: String
    /// TLS, for a TCP address.
    public var sslMode: PostgresSSLMode
    /// A PEM bundle of the CA certificates to trust (`sslrootcert`, `[state] ca_file`); the system's when `nil`.
    public var caFile: String?
    /// `application_name`, shown in `pg_stat_activity`.
    public var applicationName: String = "replayd"
    /// The connect timeout.
    public var connectTimeout: Duration = .seconds(10)
    /// The most connections the pool opens (one of them commits the writes' batches).
    public var maxConnections: Int = 8

    /// Creates settings.
    public init(
        address: Address,
        username: String,
        password: Secret? = nil,
        database: String,
        sslMode: PostgresSSLMode = .prefer,
        caFile: String? = nil
    ) {
        self.address = address
        self.username = username
        self.password = password
        self.database = database
        self.sslMode = sslMode
        self.caFile = caFile
    }

    /// Where and as whom, without the password: `replayd@db.internal:5432/replayd (sslmode verify-full)`.
    public var description: String {
        switch address {
        case .tcp(let host, let port):
            "\(username)@\(host):\(port)/\(database) (sslmode \(sslMode.rawValue))"
        case .unixSocket(let directory, let port):
            "\(username)@\(directory)/.s.PGSQL.\(port) \(database) (Unix socket)"
        }
    }

    /// Parses `url`. Messages never quote the URL or any part of it but parameter names.
    ///
    /// - Parameters:
    ///   - sslMode: `[state] sslmode`, which overrides the URL's.
    ///   - caFile: `[state] ca_file`, which overrides the URL's `sslrootcert`.
    public static func parse(
        url: Secret,
        sslMode: PostgresSSLMode? = nil,
        caFile: String? = nil
    ) throws(PostgresURLError) -> PostgresConnectionSettings {
        var settings = try url.withUnsafeValue { (text) throws(PostgresURLError) in try parse(text) }
        if let sslMode { settings.sslMode = sslMode }
        if let caFile { settings.caFile = caFile }
        return settings
    }

    private static func parse(_ text: String) throws(PostgresURLError) -> PostgresConnectionSettings {
        var rest = Substring(text)
        guard let schemeEnd = rest.range(of: "://"),
            ["postgres", "postgresql"].contains(rest[..<schemeEnd.lowerBound].lowercased())
        else {
            throw PostgresURLError("must start with postgres:// or postgresql://")
        }
        rest = rest[schemeEnd.upperBound...]
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var pathPart: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            pathPart = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var username: String?
        var password: Secret?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                username = try decode(userInfo[..<colon], "the user name")
                password = Secret(try decode(userInfo[userInfo.index(after: colon)...], "the password"))
            } else {
                username = try decode(userInfo, "the user name")
            }
        }
        var host: String?
        var port = 5432
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw PostgresURLError("has an unclosed [ in its host") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            if rest.hasPrefix(":") {
                port = try parsePort(rest.dropFirst())
            } else if !rest.isEmpty {
                throw PostgresURLError("has characters after its [host]")
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = try decode(rest[..<colon], "the host")
            port = try parsePort(rest[rest.index(after: colon)...])
        } else if !rest.isEmpty {
            host = try decode(rest, "the host")
        }
        var database = pathPart.isEmpty ? nil : try decode(pathPart, "the database name")
        var sslMode = PostgresSSLMode.prefer
        var caFile: String?
        var applicationName: String?
        var connectTimeout: Duration?
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0], "a parameter name")
            let value = parts.count > 1 ? try decode(parts[1], "the \(name) parameter") : ""
            switch name {
            case "sslmode":
                guard let mode = PostgresSSLMode(rawValue: value) else {
                    throw PostgresURLError("has an sslmode that is not one of \(PostgresSSLMode.names)")
                }
                sslMode = mode
            case "sslrootcert":
                guard value.hasPrefix("/") else { throw PostgresURLError("has an sslrootcert that is not absolute") }
                caFile = value
            case "host":
                host = value
            case "port":
                port = try parsePort(Substring(value))
            case "dbname":
                database = value
            case "user":
                username = value
            case "application_name":
                applicationName = value
            case "connect_timeout":
                guard let seconds = Int(value), (1...3600).contains(seconds) else {
                    throw PostgresURLError("has a connect_timeout that is not 1 to 3600 seconds")
                }
                connectTimeout = .seconds(seconds)
            default:
                throw PostgresURLError(
                    "has a parameter replayd does not support (supported: sslmode, sslrootcert, host, port, "
                        + "dbname, user, application_name, connect_timeout)"
                )
            }
        }
        guard let username, !username.isEmpty else {
            throw PostgresURLError("names no user (postgres://USER@HOST/DATABASE)")
        }
        guard let host, !host.isEmpty else {
            throw PostgresURLError("names no host (postgres://USER@HOST/DATABASE, or ?host=/run/postgresql)")
        }
        let address: Address =
            host.hasPrefix("/") ? .unixSocket(directory: host, port: port) : .tcp(host: host, port: port)
        var settings = PostgresConnectionSettings(
            address: address,
            username: username,
            password: password,
            database: database.flatMap { $0.isEmpty ? nil : $0 } ?? username,
            sslMode: sslMode,
            caFile: caFile
        )
        if let applicationName { settings.applicationName = applicationName }
        if let connectTimeout { settings.connectTimeout = connectTimeout }
        return settings
    }

    private static func parsePort(_ text: Substring) throws(PostgresURLError) -> Int {
        guard let port = Int(text), (1...65535).contains(port) else {
            throw PostgresURLError("has a port that is not 1 to 65535")
        }
        return port
    }

    /// Percent-decodes `part`, which must be valid UTF-8 once decoded.
    private static func decode(_ part: Substring, _ what: String) throws(PostgresURLError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(part.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw PostgresURLError("has a bad percent-escape in \(what)")
            }
            bytes.append(high << 4 | low)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PostgresURLError("has \(what) that is not UTF-8")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The PostgresNIO client configuration: the address, credentials, TLS for `sslMode` (with `caFile`'s
    /// roots for the verifying modes), the pool's size and the timeouts.
    public func clientConfiguration() -> PostgresClient.Configuration {
        let passwordValue = password?.withUnsafeValue { $0 }
        var configuration: PostgresClient.Configuration
        switch address {
        case .unixSocket(let directory, let port):
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(directory)/.s.PGSQL.\(port)",
                username: username,
                password: passwordValue,
                database: database
            )
        case .tcp(let host, let port):
            configuration = PostgresClient.Configuration(
                host: host,
                port: port,
                username: username,
                password: passwordValue,
                database: database,
                tls: tls()
            )
        }
        configuration.options.connectTimeout = connectTimeout
        configuration.options.maximumConnections = maxConnections
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    private func tls() -> PostgresClient.Configuration.TLS {
        switch tlsPlan() {
        case nil: .disable
        case (let configuration, false)?: .prefer(configuration)
        case (let configuration, true)?: .require(configuration)
        }
    }

    /// The TLS ``sslMode`` asks for: `nil` for none; else the configuration, and whether TLS is required.
    func tlsPlan() -> (configuration: TLSConfiguration, required: Bool)? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable:
            return nil
        case .prefer, .require:
            tls.certificateVerification = .none
            return (tls, sslMode == .require)
        case .verifyCA, .verifyFull:
            tls.certificateVerification = sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
            if let caFile { tls.trustRoots = .file(caFile) }
            return (tls, true)
        }
    }
}
