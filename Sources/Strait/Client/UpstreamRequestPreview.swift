import Curl

/// A request to Strait as it would be sent, with the API key redacted: what `replayctl explain` shows. Made by
/// ``StraitClient/replayPreview(runID:fromCheckpoint:requestID:timeout:)`` from the very `HTTPRequest` the client
/// sends, so the preview and the real send cannot drift.
public struct UpstreamRequestPreview: Sendable, Hashable {
    /// The method (`POST`).
    public var method: String
    /// The full URL, with its query.
    public var url: String
    /// The header fields in the order they are sent; `Authorization` reads `Bearer strait_…(redacted)`.
    public var headers: [Header]
    /// The body as text, or `nil` when none is sent.
    public var body: String?
    /// The attempt's timeout, if the client sets one.
    public var timeout: Duration?

    /// One header field.
    public struct Header: Sendable, Hashable {
        /// The field name.
        public var name: String
        /// The field value (redacted for `Authorization`).
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The value shown instead of the API key.
    public static let redactedAuthorization = "Bearer strait_…(redacted)"

    /// Creates a preview from its parts (tests, or an upstream that is not a `StraitClient`).
    public init(method: String, url: String, headers: [Header], body: String?, timeout: Duration?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// The preview of `request`: its `Authorization` (the only field that carries the API key) is replaced.
    init(_ request: HTTPRequest) {
        self.init(
            method: request.method,
            url: request.url,
            headers: request.headers.map { field in
                Header(
                    name: field.name,
                    value: field.name.lowercased() == "authorization" ? Self.redactedAuthorization : field.value
                )
            },
            body: request.body.map { String(decoding: $0, as: UTF8.self) },
            timeout: request.timeout
        )
    }

    /// The value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
