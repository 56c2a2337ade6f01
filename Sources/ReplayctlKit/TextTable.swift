/// Left-aligned columns separated by two spaces; the last column is not padded.
public struct TextTable: Sendable, Hashable {
    /// The header row, in upper case by convention.
    public var header: [String]
    /// The rows; a short row is padded with empty cells.
    public var rows: [[String]]

    /// Creates a table.
    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The table as lines joined by newlines, without a trailing newline.
    public func render() -> String {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        let all = ([header] + rows).map { $0 + Array(repeating: "", count: columns - $0.count) }
        var widths = Array(repeating: 0, count: columns)
        for row in all {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return all.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == columns - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
        .joined(separator: "\n")
    }
}
