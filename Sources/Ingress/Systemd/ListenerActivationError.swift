/// Inherited listeners that cannot be used as handed over.
public struct ListenerActivationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Code: String, Sendable, Hashable {
        /// `LISTEN_FDS` or `LISTEN_FDNAMES` cannot be read.
        case malformed
        /// Two descriptors carry the same role.
        case duplicate
    }

    /// What is wrong.
    public var code: Code
    /// Words for the operator.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
