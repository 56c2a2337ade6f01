/// Collects the problems found while decoding one config file, so that all of them can be reported at once.
final class ConfigDiagnostics {
    /// The file name put in every error.
    let file: String?
    private var collected: [ConfigError] = []

    init(file: String?) {
        self.file = file
    }

    /// Records `error`, stamping it with the file name.
    func report(_ error: ConfigError) {
        var error = error
        error.file = file
        collected.append(error)
    }

    /// Whether nothing has been reported.
    var isEmpty: Bool { collected.isEmpty }

    /// The errors in file order; errors without a line come last, in the order they were reported.
    var errors: [ConfigError] {
        collected.enumerated()
            .sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }
            .map(\.element)
    }
}
