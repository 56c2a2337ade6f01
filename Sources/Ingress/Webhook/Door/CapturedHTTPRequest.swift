import Foundation

/// A raw HTTP/1.1 request as captured on the wire (`replayd explain --request FILE`): the request line, the header
/// fields and the body. Lines may end in CRLF or LF.
public struct CapturedHTTPRequest: Sendable {
    /// The method (`POST`).
    public var method: String
    /// The request target (`/hooks/slack-ops`).
    public var target: String
    /// The header fields, in order.
    public var headers: [(name: String, value: String)]
    /// The body bytes (exactly `Content-Length` of them when that field is present).
    public var body: [UInt8]

    /// Why bytes are not a request.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        public var description: String { message }
    }

    /// Parses `bytes`.
    ///
    /// - Throws: ``ParseError`` for a missing or malformed request line, a header line without a colon, a
    ///   `Content-Length` that is not a number or is longer than the body.
    public init(parsing bytes: [UInt8]) throws(ParseError) {
        var index = 0
        func nextLine() -> String? {
            guard index < bytes.count else { return nil }
            var end = index
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > index, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            index = min(end + 1, bytes.count)
            return line
        }
        guard let requestLine = nextLine(), !requestLine.isEmpty else {
            throw ParseError(message: "the file does not start with a request line (POST /hooks/NAME HTTP/1.1)")
        }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else {
            throw ParseError(message: "malformed request line \"\(requestLine.prefix(80))\"")
        }
        method = String(parts[0])
        target = String(parts[1])
        var headers: [(name: String, value: String)] = []
        while let line = nextLine() {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else {
                throw ParseError(message: "header line without a colon: \"\(line.prefix(80))\"")
            }
            headers.append(
                (
                    String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                )
            )
        }
        self.headers = headers
        var body = Array(bytes[index...])
        if let length = headers.first(where: { $0.name.lowercased() == "content-length" })?.value {
            guard let count = Int(length), count >= 0 else {
                throw ParseError(message: "Content-Length \"\(length)\" is not a number")
            }
            guard count <= body.count else {
                throw ParseError(message: "Content-Length is \(count) but the body has \(body.count) bytes")
            }
            body = Array(body.prefix(count))
        }
        self.body = body
    }
}
