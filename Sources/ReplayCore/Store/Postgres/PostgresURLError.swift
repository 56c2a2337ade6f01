/// The state URL could not be parsed. The message never quotes the URL.
public struct PostgresURLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, completing "the PostgreSQL URL …".
    public var problem: String

    /// Creates an error.
    public init(_ problem: String) { self.problem = problem }

    public var description: String { "the PostgreSQL URL \(problem)" }
}
