import Foundation
import NIOHTTP1
import Strait

/// What the simulator does with one request: send a response, reset the connection, or stall.
struct SimulatorResponse: Sendable {
    /// How the connection handler delivers the response.
    enum Disposition: Sendable, Hashable {
        /// Write status, headers and body.
        case respond
        /// Send nothing and reset the TCP connection.
        case reset
        /// Send nothing and hold the connection.
        case stall
    }

    /// The headers every Strait response carries (spec §3): API version and the security headers. There is
    /// no `Server` header and no `X-Request-Id` echo.
    static let commonHeaders: [(String, String)] = [
        ("X-API-Version", "v1"),
        ("Cache-Control", "no-store"),
        ("Pragma", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Content-Security-Policy", "default-src 'none'"),
    ]

    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    var disposition: Disposition = .respond
    /// Close the connection after writing (a malformed request).
    var closeConnection = false

    /// A response with `headers` on top of the common headers (a header given here replaces a common one).
    init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        var all = HTTPHeaders(Self.commonHeaders)
        for name in Set(headers.map { $0.name.lowercased() }) { all.remove(name: name) }
        all.add(contentsOf: headers)
        self.status = status
        self.headers = all
        self.body = body
    }

    /// Strait's error envelope (§2.1) plus a newline. A 5xx always says `internal server error` and has no
    /// details, as Strait's handler bridge rewrites it; `code` defaults to the one derived from the status.
    static func envelope(
        status: Int,
        code: String? = nil,
        message: String,
        details: [String]? = nil,
        requestID: String?,
        headers: HTTPHeaders = [:]
    ) -> SimulatorResponse {
        let isServerError = status >= 500
        let envelope = StraitErrorEnvelope(
            code: code ?? StraitErrorEnvelope.defaultCode(forStatus: status),
            message: isServerError ? "internal server error" : message,
            details: isServerError ? nil : details,
            requestID: requestID.flatMap { $0.isEmpty ? nil : $0 }
        )
        return json(status: status, envelope, headers: headers)
    }

    /// `value` as JSON plus a newline (Go's `json.Encoder`), `Content-Type: application/json`.
    static func json(status: Int, _ value: some Encodable, headers: HTTPHeaders = [:]) -> SimulatorResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var all = headers
        all.replaceOrAdd(name: "Content-Type", value: "application/json")
        guard let data = try? encoder.encode(value) else {
            let fallback = #"{"error":{"code":"internal_error","message":"internal server error"}}"#
            return SimulatorResponse(status: 500, headers: all, body: Array(fallback.utf8) + [0x0A])
        }
        return SimulatorResponse(status: status, headers: all, body: Array(data) + [0x0A])
    }

    /// Go's `http.Error`: `text/plain; charset=utf-8`, `nosniff`, and the text plus a newline.
    static func plainText(status: Int, _ text: String, headers: HTTPHeaders = [:]) -> SimulatorResponse {
        var all = headers
        all.replaceOrAdd(name: "Content-Type", value: "text/plain; charset=utf-8")
        return SimulatorResponse(status: status, headers: all, body: Array(text.utf8) + [0x0A])
    }

    /// A response that is never written: the connection is reset or held instead.
    static func withoutResponse(_ disposition: Disposition) -> SimulatorResponse {
        var response = SimulatorResponse(status: 0)
        response.disposition = disposition
        return response
    }
}
