/// A line of a bulk file that is neither an entry, a blank nor a comment.
public struct BulkLineError: Sendable, Hashable, Error, CustomStringConvertible {
    /// The line number, from 1.
    public var line: Int
    /// The line as it was (without its line ending).
    public var text: String
    /// What is wrong with it.
    public var message: String

    /// Creates an error.
    public init(line: Int, text: String, message: String) {
        self.line = line
        self.text = text
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
