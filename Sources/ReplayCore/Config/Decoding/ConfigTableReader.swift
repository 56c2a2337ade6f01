/// Reads one table of a config file for the decoder: typed getters that report every problem (wrong type, bad
/// value, missing key) with the full key path and line, and ``finish()``, which reports the keys nobody asked
/// for as unknown.
///
/// Getters return `nil` when the key is absent or its value was reported as bad, so callers keep their default.
final class ConfigTableReader {
    /// A value with the line it was written on.
    struct Located<Value> {
        var value: Value
        var line: Int
    }

    /// The table being read.
    let table: TOMLTable
    /// The key path of the table (`upstream`, `principals[0]`); empty for the root.
    let path: String
    /// The line of the table's header, or `nil` when the table is absent from the file.
    let line: Int?
    private let diagnostics: ConfigDiagnostics
    private var knownKeys: [String] = []

    init(table: TOMLTable, path: String, line: Int?, diagnostics: ConfigDiagnostics) {
        self.table = table
        self.path = path
        self.line = line
        self.diagnostics = diagnostics
    }

    /// The full path of `key` in this table.
    func keyPath(_ key: String) -> String {
        let part = TOMLKey.displayPart(key)
        return path.isEmpty ? part : "\(path).\(part)"
    }

    /// The line of `key`'s value, or of this table when the key is absent.
    func line(of key: String) -> Int? {
        table[key]?.line ?? line
    }

    /// Whether the file sets `key`.
    func contains(_ key: String) -> Bool {
        table[key] != nil
    }

    /// Records `error`.
    func report(_ error: ConfigError) {
        diagnostics.report(error)
    }

    /// Records an invalid value for `key`.
    func reportInvalid(_ key: String, _ message: String) {
        report(.invalidValue(keyPath(key), line: line(of: key), message))
    }

    // MARK: Typed getters

    /// A string; `validate` returns a problem description, or `nil` when the string is fine.
    func string(_ key: String, required: Bool = false, validate: (String) -> String? = { _ in nil }) -> String? {
        guard let value = lookup(key, required: required) else { return nil }
        guard let string = value.stringValue else {
            return mismatch(key, value, expected: "a string")
        }
        if let problem = validate(string) {
            report(.invalidValue(keyPath(key), line: value.line, problem))
            return nil
        }
        return string
    }

    /// `true` or `false`.
    func bool(_ key: String) -> Bool? {
        guard let value = lookup(key) else { return nil }
        guard let bool = value.booleanValue else {
            return mismatch(key, value, expected: "true or false")
        }
        return bool
    }

    /// An integer in `range`.
    func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = lookup(key) else { return nil }
        guard let integer = value.integerValue else {
            return mismatch(key, value, expected: "an integer")
        }
        return checked(key, Int(integer), in: range, line: value.line) { "\($0)" }
    }

    /// A duration string such as `"30s"` in `range`.
    func duration(_ key: String, in range: ClosedRange<Duration>) -> Duration? {
        guard let value = lookup(key) else { return nil }
        guard let text = value.stringValue, let duration = ConfigDuration.parse(text) else {
            return mismatch(key, value, expected: #"a duration such as "30s" or "250ms""#)
        }
        return checked(key, duration, in: range, line: value.line, format: ConfigDuration.format)
    }

    /// A size: an integer number of bytes, or a string such as `"16KiB"`, in `range`.
    func size(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let value = lookup(key) else { return nil }
        let bytes: Int?
        switch value.kind {
        case .integer(let integer) where integer >= 0: bytes = Int(integer)
        case .string(let text): bytes = ConfigByteSize.parse(text)
        default: bytes = nil
        }
        guard let bytes else {
            return mismatch(key, value, expected: #"a size in bytes such as 16384 or "16KiB""#)
        }
        return checked(key, bytes, in: range, line: value.line, format: ConfigByteSize.format)
    }

    /// An array of strings, each checked by `validate`.
    func stringArray(_ key: String, validate: (String) -> String? = { _ in nil }) -> [Located<String>]? {
        guard let value = lookup(key) else { return nil }
        guard let elements = value.arrayValue else {
            return mismatch(key, value, expected: "an array of strings")
        }
        var result: [Located<String>] = []
        var failed = false
        for (index, element) in elements.enumerated() {
            let elementPath = "\(keyPath(key))[\(index)]"
            guard let string = element.stringValue else {
                report(.typeMismatch(elementPath, line: element.line, expected: "a string", got: describe(element)))
                failed = true
                continue
            }
            if let problem = validate(string) {
                report(.invalidValue(elementPath, line: element.line, problem))
                failed = true
                continue
            }
            result.append(Located(value: string, line: element.line))
        }
        return failed ? nil : result
    }

    /// An array of integers, each in `range`.
    func integerArray(_ key: String, in range: ClosedRange<Int64>) -> [Located<Int64>]? {
        guard let value = lookup(key) else { return nil }
        guard let elements = value.arrayValue else {
            return mismatch(key, value, expected: "an array of integers")
        }
        var result: [Located<Int64>] = []
        var failed = false
        for (index, element) in elements.enumerated() {
            let elementPath = "\(keyPath(key))[\(index)]"
            guard let integer = element.integerValue else {
                report(.typeMismatch(elementPath, line: element.line, expected: "an integer", got: describe(element)))
                failed = true
                continue
            }
            guard range.contains(integer) else {
                report(
                    .invalidValue(
                        elementPath,
                        line: element.line,
                        "must be between \(range.lowerBound) and \(range.upperBound), got \(integer)"
                    )
                )
                failed = true
                continue
            }
            result.append(Located(value: integer, line: element.line))
        }
        return failed ? nil : result
    }

    /// The sub-table `key`. An absent table reads as empty (so its required keys are reported as missing);
    /// a value that is not a table is reported and gives `nil`.
    func table(_ key: String) -> ConfigTableReader? {
        guard let value = lookup(key) else {
            return ConfigTableReader(table: TOMLTable(), path: keyPath(key), line: nil, diagnostics: diagnostics)
        }
        guard let table = value.tableValue else {
            return mismatch(key, value, expected: "a table ([\(keyPath(key))])")
        }
        return ConfigTableReader(table: table, path: keyPath(key), line: value.line, diagnostics: diagnostics)
    }

    /// The array of tables `key` (`[[key]]`); empty when absent.
    func tableArray(_ key: String) -> [ConfigTableReader] {
        guard let value = lookup(key) else { return [] }
        guard let elements = value.arrayValue, elements.allSatisfy({ $0.tableValue != nil }) else {
            return mismatch(key, value, expected: "an array of tables ([[\(keyPath(key))]])") ?? []
        }
        return elements.enumerated().map { index, element in
            ConfigTableReader(
                table: element.tableValue ?? TOMLTable(),
                path: "\(keyPath(key))[\(index)]",
                line: element.line,
                diagnostics: diagnostics
            )
        }
    }

    /// Refuses `key` with `message` if the file sets it (for keys that exist only to be refused, such as an
    /// inline `api_key`). The value is never shown.
    func forbid(_ key: String, _ message: String) {
        if let value = table[key] {
            knownKeys.append(key)
            report(.invalidValue(keyPath(key), line: value.line, message))
        }
    }

    /// Reports every key that no getter asked for, suggesting a known key with a similar spelling.
    func finish() {
        for (key, value) in table.entries where !knownKeys.contains(key) {
            report(.unknownKey(keyPath(key), line: value.line, suggestion: suggestion(for: key)))
        }
    }

    // MARK: Helpers

    private func lookup(_ key: String, required: Bool = false) -> TOMLValue? {
        knownKeys.append(key)
        guard let value = table[key] else {
            if required {
                report(.missingKey(keyPath(key), line: line))
            }
            return nil
        }
        return value
    }

    private func mismatch<T>(_ key: String, _ value: TOMLValue, expected: String) -> T? {
        report(.typeMismatch(keyPath(key), line: value.line, expected: expected, got: describe(value)))
        return nil
    }

    private func checked<T: Comparable>(
        _ key: String,
        _ value: T,
        in range: ClosedRange<T>,
        line: Int,
        format: (T) -> String
    ) -> T? {
        guard range.contains(value) else {
            report(
                .invalidValue(
                    keyPath(key),
                    line: line,
                    "must be between \(format(range.lowerBound)) and \(format(range.upperBound)), got \(format(value))"
                )
            )
            return nil
        }
        return value
    }

    /// `integer 30`, `string "abc"`, `an array`... Only used where a string is not expected; strings that are
    /// expected (and might be secrets pasted in the wrong place) are never shown by the getters.
    private func describe(_ value: TOMLValue) -> String {
        switch value.kind {
        case .string(let string):
            let shown = string.count > 60 ? String(string.prefix(57)) + "..." : string
            return "string \(TOMLKey.quote(shown))"
        case .integer(let integer): return "integer \(integer)"
        case .float(let float): return "float \(float)"
        case .boolean(let bool): return "boolean \(bool)"
        case .array: return "an array"
        case .table: return "a table"
        }
    }

    /// The known key closest to `key`, if it is close enough to be a likely typo.
    private func suggestion(for key: String) -> String? {
        let candidates = knownKeys.map { ($0, Self.editDistance(key, $0)) }
        guard let (best, distance) = candidates.min(by: { $0.1 < $1.1 }) else { return nil }
        return distance <= 2 && distance <= best.count / 2 ? best : nil
    }

    /// The Levenshtein distance between `a` and `b`, in characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}
