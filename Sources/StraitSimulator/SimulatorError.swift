/// An error from the simulator: bad fixtures or faults, an unreadable file, or a listener that could not start.
///
/// `field` names the offending JSON field as a path (`api_keys[2].key`, `faults[0].status`) when there is one.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case invalidFixtures = "invalid_fixtures"
            case invalidFaults = "invalid_faults"
            case unreadableFile = "unreadable_file"
            case bindFailed = "bind_failed"
            case alreadyRunning = "already_running"
            case notRunning = "not_running"
        }

        private let value: Value

        private init(_ value: Value) { self.value = value }

        /// The fixtures are not valid JSON or break a rule.
        public static let invalidFixtures = Code(.invalidFixtures)
        /// A fault plan is not valid JSON or breaks a rule.
        public static let invalidFaults = Code(.invalidFaults)
        /// A fixtures or faults file could not be read.
        public static let unreadableFile = Code(.unreadableFile)
        /// The listener could not bind its address.
        public static let bindFailed = Code(.bindFailed)
        /// `run()` was called while the simulator was already running.
        public static let alreadyRunning = Code(.alreadyRunning)
        /// The simulator stopped before it was bound, or is no longer running.
        public static let notRunning = Code(.notRunning)

        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// The JSON path of the offending field, when the error is about one field.
    public let field: String?
    /// A sentence for the user, without the field path.
    public let message: String

    /// Creates an error.
    public init(code: Code, field: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String {
        guard let field, !field.isEmpty else { return message }
        return "\(field): \(message)"
    }
}
