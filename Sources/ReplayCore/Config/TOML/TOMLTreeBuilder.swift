/// Assembles the table tree while the parser reads a document, enforcing TOML's rules about how a table may be
/// defined: once by a header, or by dotted keys inside one section, and never extended afterwards.
///
/// The tree is mutable reference nodes while parsing; ``finish()`` turns it into immutable ``TOMLTable`` values.
final class TOMLTreeBuilder {
    /// How a table came into existence; decides what may still add to it.
    private enum Origin {
        /// Created as a parent of a header (`a` in `[a.b]`); a later `[a]` header may still define it.
        case implicit
        /// Defined by its own `[header]` or `[[header]]`.
        case header
        /// Created by a dotted key (`a.b = 1` creates `a`); only keys of the same section may extend it.
        case dotted
    }

    private final class Table {
        var origin: Origin
        var section: Int
        var line: Int
        var column: Int
        var keys: [String] = []
        var entries: [String: Entry] = [:]

        init(origin: Origin, section: Int, line: Int, column: Int) {
            self.origin = origin
            self.section = section
            self.line = line
            self.column = column
        }

        func insert(_ entry: Entry, for name: String) {
            if entries.updateValue(entry, forKey: name) == nil {
                keys.append(name)
            }
        }
    }

    private final class TableArray {
        var tables: [Table]
        let line: Int
        let column: Int

        init(first: Table, line: Int, column: Int) {
            self.tables = [first]
            self.line = line
            self.column = column
        }
    }

    private enum Entry {
        case value(TOMLValue)
        case table(Table)
        case tableArray(TableArray)
    }

    private let root: Table
    private var current: Table
    /// The key path of `current`, for messages.
    private var currentPath: [String] = []
    private var currentSection = 0
    private var sectionCount = 0

    /// Creates a builder for a document (or an inline table) whose root starts at `line`/`column`.
    init(line: Int = 1, column: Int = 1) {
        root = Table(origin: .header, section: 0, line: line, column: column)
        current = root
    }

    /// Handles `[key]` (or `[[key]]` when `isArray`): later key/value pairs go into that table.
    func openTable(_ key: TOMLKey, isArray: Bool, line: Int, column: Int) throws(TOMLError) {
        var table = root
        var path: [String] = []
        for part in key.parts.dropLast() {
            path.append(part.name)
            switch table.entries[part.name] {
            case nil:
                let child = Table(origin: .implicit, section: -1, line: part.line, column: part.column)
                table.insert(.table(child), for: part.name)
                table = child
            case .table(let child):
                table = child
            case .tableArray(let array):
                table = array.tables[array.tables.count - 1]
            case .value(let value):
                let what = Self.withArticle(value.typeName)
                throw .redefinedTable(
                    "cannot define table \(key.display): \(TOMLKey.display(path)) is already \(what) "
                        + "(line \(value.line))",
                    line: part.line,
                    column: part.column
                )
            }
        }

        let last = key.parts[key.parts.count - 1]
        currentPath = key.parts.map(\.name)
        sectionCount += 1
        currentSection = sectionCount
        let header = isArray ? "[[\(key.display)]]" : "[\(key.display)]"
        switch table.entries[last.name] {
        case nil:
            let child = Table(origin: .header, section: currentSection, line: line, column: column)
            if isArray {
                table.insert(.tableArray(TableArray(first: child, line: line, column: column)), for: last.name)
            } else {
                table.insert(.table(child), for: last.name)
            }
            current = child
        case .table(let existing):
            if !isArray && existing.origin == .implicit {
                existing.origin = .header
                existing.section = currentSection
                existing.line = line
                existing.column = column
                current = existing
            } else if isArray {
                throw .redefinedTable(
                    "cannot define \(header): \(key.display) is already a table (line \(existing.line))",
                    line: line,
                    column: column
                )
            } else {
                let how = existing.origin == .dotted ? "by dotted keys" : "by a header"
                throw .redefinedTable(
                    "table \(key.display) is already defined \(how) on line \(existing.line)",
                    line: line,
                    column: column
                )
            }
        case .tableArray(let array):
            guard isArray else {
                throw .redefinedTable(
                    "cannot define \(header): \(key.display) is already an array of tables (line \(array.line))",
                    line: line,
                    column: column
                )
            }
            let child = Table(origin: .header, section: currentSection, line: line, column: column)
            array.tables.append(child)
            current = child
        case .value(let value):
            let what = isArray && value.arrayValue != nil ? "a static array" : Self.withArticle(value.typeName)
            throw .redefinedTable(
                "cannot define \(header): \(key.display) is already \(what) (line \(value.line))",
                line: line,
                column: column
            )
        }
    }

    /// Handles `key = value` in the current table.
    func setValue(_ value: TOMLValue, for key: TOMLKey) throws(TOMLError) {
        var table = current
        var path = currentPath
        for part in key.parts.dropLast() {
            path.append(part.name)
            switch table.entries[part.name] {
            case nil:
                let child = Table(origin: .dotted, section: currentSection, line: part.line, column: part.column)
                table.insert(.table(child), for: part.name)
                table = child
            case .table(let child):
                guard child.origin == .dotted && child.section == currentSection else {
                    let how =
                        child.origin == .dotted ? "by dotted keys in another section" : "by a [table] header"
                    throw .redefinedTable(
                        "cannot add to table \(TOMLKey.display(path)) with a dotted key: it is defined \(how) "
                            + "(line \(child.line))",
                        line: part.line,
                        column: part.column
                    )
                }
                table = child
            case .tableArray(let array):
                throw .redefinedTable(
                    "cannot add to \(TOMLKey.display(path)) with a dotted key: it is an array of tables "
                        + "(line \(array.line))",
                    line: part.line,
                    column: part.column
                )
            case .value(let existing):
                throw .duplicateKey(
                    TOMLKey.display(path),
                    firstLine: existing.line,
                    line: part.line,
                    column: part.column
                )
            }
        }

        let last = key.parts[key.parts.count - 1]
        path.append(last.name)
        if let existing = table.entries[last.name] {
            let firstLine =
                switch existing {
                case .value(let value): value.line
                case .table(let table): table.line
                case .tableArray(let array): array.line
                }
            throw .duplicateKey(TOMLKey.display(path), firstLine: firstLine, line: last.line, column: last.column)
        }
        table.insert(.value(value), for: last.name)
    }

    /// `an integer`, `a string`...
    private static func withArticle(_ typeName: String) -> String {
        (typeName.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + typeName
    }

    /// The finished document.
    func finish() -> TOMLTable {
        Self.freeze(root)
    }

    private static func freeze(_ table: Table) -> TOMLTable {
        var result = TOMLTable()
        for name in table.keys {
            guard let entry = table.entries[name] else { continue }
            switch entry {
            case .value(let value):
                result.set(value, for: name)
            case .table(let child):
                result.set(TOMLValue(.table(freeze(child)), line: child.line, column: child.column), for: name)
            case .tableArray(let array):
                let elements = array.tables.map { TOMLValue(.table(freeze($0)), line: $0.line, column: $0.column) }
                result.set(TOMLValue(.array(elements), line: array.line, column: array.column), for: name)
            }
        }
        return result
    }
}
