import NIOHTTP1
import Strait

/// One parsed HTTP request, as the store sees it.
struct SimulatorRequest: Sendable {
    /// The method, such as `POST`.
    var method: String
    /// The raw (still percent-encoded) path, without the query.
    var path: String
    /// Query parameters decoded as Go's `url.ParseQuery` does (`+` is a space; bad pairs are dropped).
    var query: [(name: String, value: String)]
    /// The request headers.
    var headers: HTTPHeaders
    /// The body bytes kept (at most the configured maximum).
    var body: [UInt8]
    /// The full body length received.
    var bodyLength: Int
    /// The peer's IP address, the key of the per-IP limiter and the auth lockout.
    var remoteIP: String

    /// Creates a request from its parts; `target` is the request target (`/v1/runs?limit=2`).
    init(method: String, target: String, headers: HTTPHeaders, body: [UInt8], bodyLength: Int, remoteIP: String) {
        var target = Substring(target)
        for scheme in ["http://", "https://"] where target.hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            target = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        let question = target.firstIndex(of: "?")
        self.method = method
        self.path = String(question.map { target[..<$0] } ?? target)
        self.query = question.map { Self.parseQuery(target[target.index(after: $0)...]) } ?? []
        self.headers = headers
        self.body = body
        self.bodyLength = bodyLength
        self.remoteIP = remoteIP
    }

    /// The first value of query parameter `name`, like Go's `Query().Get`.
    func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The first value of header `name` with surrounding spaces and tabs removed, like Go's `Header.Get`.
    func header(_ name: String) -> String? {
        headers.first(name: name).map { String(Substring($0).trimmingBlanks()) }
    }

    /// Go's `url.ParseQuery`, keeping only the pairs it would keep.
    private static func parseQuery(_ text: Substring) -> [(name: String, value: String)] {
        var pairs: [(name: String, value: String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) where !part.contains(";") {
            let equals = part.firstIndex(of: "=")
            let rawName = equals.map { part[..<$0] } ?? part
            let rawValue = equals.map { part[part.index(after: $0)...] } ?? ""
            guard let name = unescape(rawName), let value = unescape(rawValue) else { continue }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func unescape(_ text: Substring) -> String? {
        PercentEncoding.decode(Substring(String(text.map { $0 == "+" ? " " : $0 })))
    }
}
