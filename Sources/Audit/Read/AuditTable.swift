/// The table `audit tail` prints: one line per record, columns separated by two spaces and padded to fixed widths
/// (so that rows line up while following, before later rows are known); a longer value pushes the rest of its row
/// right rather than being cut. Empty cells show `-`.
public enum AuditTable {
    /// A column: its heading and width.
    private struct Column {
        var title: String
        var width: Int
    }

    /// Run ids are up to a UUID long (36 characters); both run columns fit one, so rows with UUIDs still line up.
    private static let columns = [
        Column(title: "SEQ", width: 7), Column(title: "TS", width: 24), Column(title: "KIND/STAGE", width: 22),
        Column(title: "DOOR", width: 7), Column(title: "PRINCIPAL", width: 12), Column(title: "RUN", width: 36),
        Column(title: "DECISION/REASON", width: 24), Column(title: "NEW RUN", width: 36),
        Column(title: "ATTEMPT", width: 0),
    ]

    /// The heading line.
    public static var header: String { render(columns.map(\.title)) }

    /// The row for `record`.
    public static func row(_ record: AuditJSON) -> String {
        render(cells(record))
    }

    /// The cells of `record`'s row, in column order (empty where the record has nothing).
    public static func cells(_ record: AuditJSON) -> [String] {
        let seq = record["seq"]?.intValue.map(String.init) ?? ""
        let kind = [record["kind"]?.stringValue, record["stage"]?.stringValue].compactMap { $0 }
            .joined(separator: "/")
        let decision = [record["decision"]?.stringValue, record["reason"]?.stringValue].compactMap { $0 }
            .joined(separator: ": ")
        var attempt = ""
        if let value = record["attempt"] {
            attempt = [value["status"]?.intValue.map(String.init), value["outcome"]?.stringValue]
                .compactMap { $0 }.joined(separator: " ")
        }
        return [
            seq, shortTimestamp(record["ts"]?.stringValue ?? ""), kind, record["door"]?.stringValue ?? "",
            record["actor"]?["principal"]?.stringValue ?? "", record["run_id"]?.stringValue ?? "", decision,
            record["new_run_id"]?.stringValue ?? "", attempt,
        ]
    }

    /// `ts` cut to milliseconds (`2026-11-29T13:05:01.123Z`); anything else unchanged.
    static func shortTimestamp(_ ts: String) -> String {
        guard ts.utf8.count == 30, ts.hasSuffix("Z") else { return ts }
        return String(ts.prefix(23)) + "Z"
    }

    private static func render(_ cells: [String]) -> String {
        var line = ""
        for (index, column) in columns.enumerated() {
            let cell = index < cells.count && !cells[index].isEmpty ? cells[index] : "-"
            if index == columns.count - 1 {
                line += cell
            } else {
                line += cell + String(repeating: " ", count: max(0, column.width - cell.count) + 2)
            }
        }
        return line
    }
}
