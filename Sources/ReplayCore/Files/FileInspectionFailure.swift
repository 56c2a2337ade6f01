/// Why a path could not be inspected: the `errno` and its text.
public struct FileInspectionFailure: Error, Sendable, Hashable {
    /// The `errno` value.
    public var code: Int32
    /// `strerror(code)`.
    public var reason: String

    /// Creates a failure.
    public init(code: Int32, reason: String) {
        self.code = code
        self.reason = reason
    }
}
