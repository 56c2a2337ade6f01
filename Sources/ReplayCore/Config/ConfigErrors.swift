/// Every problem found while loading a config file. Loading reports them all, not just the first.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, in file order (problems without a line last).
    public var errors: [ConfigError]

    /// Creates an aggregate.
    public init(_ errors: [ConfigError]) {
        self.errors = errors
    }

    /// One problem per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
