import Testing

@testable import ReplayCore

/// Every way a TOML document is refused, each with its code, line and column.
@Suite struct ConfigTOMLParserErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var source: String
        var code: TOMLError.Code
        var line: Int
        var column: Int
        var fragment: String

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Duplicate keys.
        Case(
            name: "duplicate key",
            source: "a = 1\nb = 2\na = 3",
            code: .duplicateKey,
            line: 3,
            column: 1,
            fragment: "duplicate key a (first defined on line 1)"
        ),
        Case(
            name: "duplicate quoted key equal to bare key",
            source: "spelling = 1\n\"spelling\" = 2",
            code: .duplicateKey,
            line: 2,
            column: 1,
            fragment: "duplicate key spelling"
        ),
        Case(
            name: "duplicate key inside a table",
            source: "[t]\nx = 1\n  x = 2",
            code: .duplicateKey,
            line: 3,
            column: 3,
            fragment: "duplicate key t.x (first defined on line 2)"
        ),
        Case(
            name: "value then dotted key through it",
            source: "a = 1\na.b = 2",
            code: .duplicateKey,
            line: 2,
            column: 1,
            fragment: "duplicate key a"
        ),
        Case(
            name: "dotted table then value",
            source: "a.b = 1\na = 2",
            code: .duplicateKey,
            line: 2,
            column: 1,
            fragment: "first defined on line 1"
        ),
        Case(
            name: "duplicate key in inline table",
            source: "t = { a = 1, a = 2 }",
            code: .duplicateKey,
            line: 1,
            column: 14,
            fragment: "duplicate key a"
        ),
        // Redefined tables.
        Case(
            name: "table defined twice",
            source: "[a]\nx = 1\n[b]\n[a]",
            code: .redefinedTable,
            line: 4,
            column: 1,
            fragment: "table a is already defined by a header on line 1"
        ),
        Case(
            name: "sub-table defined twice",
            source: "[a.b]\n[a.b]",
            code: .redefinedTable,
            line: 2,
            column: 1,
            fragment: "already defined"
        ),
        Case(
            name: "header for a table made by dotted keys",
            source: "[fruit]\napple.color = \"red\"\n[fruit.apple]",
            code: .redefinedTable,
            line: 3,
            column: 1,
            fragment: "already defined by dotted keys on line 2"
        ),
        Case(
            name: "header for a key holding a value",
            source: "a = 1\n[a]",
            code: .redefinedTable,
            line: 2,
            column: 1,
            fragment: "a is already an integer"
        ),
        Case(
            name: "header through a key holding a value",
            source: "a = 1\n[a.b]",
            code: .redefinedTable,
            line: 2,
            column: 2,
            fragment: "a is already an integer"
        ),
        Case(
            name: "dotted keys extending a header table from another section",
            source: "[a.b.c]\nz = 9\n[a]\nb.c.t = 1",
            code: .redefinedTable,
            line: 4,
            column: 1,
            fragment: "cannot add to table a.b with a dotted key"
        ),
        Case(
            name: "dotted keys extending dotted table from another section",
            source: "[a]\nb.c = 1\n[x]\n[a.b.d]\n[a]",
            code: .redefinedTable,
            line: 5,
            column: 1,
            fragment: "already defined"
        ),
        Case(
            name: "header extending an inline table",
            source: "a = { b = 1 }\n[a.c]",
            code: .redefinedTable,
            line: 2,
            column: 2,
            fragment: "a is already a table"
        ),
        Case(
            name: "dotted key extending an inline table",
            source: "a = { b = 1 }\na.c = 2",
            code: .duplicateKey,
            line: 2,
            column: 1,
            fragment: "duplicate key a"
        ),
        Case(
            name: "array of tables appended to a static array",
            source: "fruits = []\n[[fruits]]",
            code: .redefinedTable,
            line: 2,
            column: 1,
            fragment: "fruits is already a static array"
        ),
        Case(
            name: "array of tables after a table",
            source: "[a]\n[[a]]",
            code: .redefinedTable,
            line: 2,
            column: 1,
            fragment: "a is already a table"
        ),
        Case(
            name: "table after an array of tables",
            source: "[[a]]\n[a]",
            code: .redefinedTable,
            line: 2,
            column: 1,
            fragment: "a is already an array of tables"
        ),
        Case(
            name: "dotted key into an array of tables",
            source: "[[a.b]]\n[a]\nb.x = 1",
            code: .redefinedTable,
            line: 3,
            column: 1,
            fragment: "cannot add to a.b with a dotted key: it is an array of tables (line 1)"
        ),
        Case(
            name: "header through a static array",
            source: "a = [{ b = 1 }]\n[a.c]",
            code: .redefinedTable,
            line: 2,
            column: 2,
            fragment: "a is already an array (line 1)"
        ),
        // Syntax.
        Case(
            name: "missing equals",
            source: "key \"value\"",
            code: .invalidSyntax,
            line: 1,
            column: 5,
            fragment: "expected '=' after key key, found '\"'"
        ),
        Case(
            name: "key without value",
            source: "key =\nother = 1",
            code: .invalidSyntax,
            line: 1,
            column: 6,
            fragment: "expected a value, found end of line"
        ),
        Case(
            name: "key alone on a line",
            source: "[t]\n  lonely",
            code: .invalidSyntax,
            line: 2,
            column: 9,
            fragment: "expected '=' and a value after key lonely"
        ),
        Case(
            name: "unquoted string",
            source: "level = info",
            code: .invalidSyntax,
            line: 1,
            column: 9,
            fragment: "strings must be quoted"
        ),
        Case(
            name: "two values on a line",
            source: "a = 1 b = 2",
            code: .invalidSyntax,
            line: 1,
            column: 7,
            fragment: "expected a newline or a comment, found 'b'"
        ),
        Case(
            name: "text after a header",
            source: "[a] x = 1",
            code: .invalidSyntax,
            line: 1,
            column: 5,
            fragment: "expected a newline"
        ),
        Case(
            name: "unclosed header",
            source: "[a\nb = 1",
            code: .invalidSyntax,
            line: 1,
            column: 3,
            fragment: "expected ']'"
        ),
        Case(
            name: "unclosed array-of-tables header",
            source: "[[a]\n",
            code: .invalidSyntax,
            line: 1,
            column: 5,
            fragment: "expected ']]'"
        ),
        Case(
            name: "empty header",
            source: "[]",
            code: .invalidSyntax,
            line: 1,
            column: 2,
            fragment: "expected a key, found ']'"
        ),
        Case(
            name: "empty dotted key part",
            source: "a..b = 1",
            code: .invalidSyntax,
            line: 1,
            column: 3,
            fragment: "expected a key"
        ),
        Case(
            name: "unterminated basic string",
            source: "a = \"abc\nb = 1",
            code: .invalidSyntax,
            line: 1,
            column: 9,
            fragment: "unterminated string"
        ),
        Case(
            name: "unterminated literal string",
            source: "a = 'abc",
            code: .invalidSyntax,
            line: 1,
            column: 9,
            fragment: "unterminated literal string"
        ),
        Case(
            name: "unterminated multi-line string",
            source: "a = \"\"\"\nabc\n",
            code: .invalidSyntax,
            line: 3,
            column: 1,
            fragment: "unterminated multi-line string"
        ),
        Case(
            name: "too many closing quotes",
            source: "a = \"\"\"x\"\"\"\"\"\"",
            code: .invalidSyntax,
            line: 1,
            column: 14,
            fragment: "too many quotes"
        ),
        Case(
            name: "unterminated array",
            source: "a = [1, 2",
            code: .invalidSyntax,
            line: 1,
            column: 10,
            fragment: "unterminated array"
        ),
        Case(
            name: "array without commas",
            source: "a = [1 2]",
            code: .invalidSyntax,
            line: 1,
            column: 8,
            fragment: "expected ',' or ']'"
        ),
        Case(
            name: "array with leading comma",
            source: "a = [,1]",
            code: .invalidSyntax,
            line: 1,
            column: 6,
            fragment: "expected a value, found ','"
        ),
        Case(
            name: "inline table over two lines",
            source: "a = { b = 1,\n c = 2 }",
            code: .invalidSyntax,
            line: 1,
            column: 13,
            fragment: "an inline table must be on one line"
        ),
        Case(
            name: "inline table with trailing comma",
            source: "a = { b = 1, }",
            code: .invalidSyntax,
            line: 1,
            column: 14,
            fragment: "trailing comma is not allowed"
        ),
        Case(
            name: "bare carriage return",
            source: "a = 1\rb = 2",
            code: .invalidSyntax,
            line: 1,
            column: 6,
            fragment: "carriage return"
        ),
        Case(
            name: "control character in a string",
            source: "a = \"x\u{01}y\"",
            code: .invalidSyntax,
            line: 1,
            column: 7,
            fragment: "control character U+0001"
        ),
        Case(
            name: "control character in a comment",
            source: "a = 1 # \u{7F}",
            code: .invalidSyntax,
            line: 1,
            column: 9,
            fragment: "control character U+007F is not allowed in a comment"
        ),
        // Values.
        Case(
            name: "invalid escape",
            source: #"a = "\x41""#,
            code: .invalidValue,
            line: 1,
            column: 6,
            fragment: "invalid escape sequence \\x"
        ),
        Case(
            name: "short unicode escape",
            source: #"a = "\u12""#,
            code: .invalidValue,
            line: 1,
            column: 6,
            fragment: "needs 4 hexadecimal digits"
        ),
        Case(
            name: "surrogate unicode escape",
            source: #"a = "\uD800""#,
            code: .invalidValue,
            line: 1,
            column: 6,
            fragment: "U+D800 is not a Unicode scalar value"
        ),
        Case(
            name: "leading zero",
            source: "a = 012",
            code: .invalidValue,
            line: 1,
            column: 5,
            fragment: "leading zeros are not allowed"
        ),
        Case(
            name: "double underscore",
            source: "a = 1__000",
            code: .invalidValue,
            line: 1,
            column: 5,
            fragment: "'_' only between digits"
        ),
        Case(
            name: "trailing underscore",
            source: "a = 1_",
            code: .invalidValue,
            line: 1,
            column: 5,
            fragment: "'_' only between digits"
        ),
        Case(
            name: "signed hex",
            source: "a = +0x1F",
            code: .invalidValue,
            line: 1,
            column: 5,
            fragment: "unexpected 'x'"
        ),
        Case(
            name: "bad binary digit",
            source: "a = 0b102",
            code: .invalidValue,
            line: 1,
            column: 5,
            fragment: "base-2 digits"
        ),
        Case(
            name: "integer overflow",
            source: "a = 9223372036854775808",
            code: .invalidValue,
            line: 1,
            column: 5,
            fragment: "does not fit in 64 bits"
        ),
        Case(
            name: "float without fraction digits",
            source: "a = 1.",
            code: .invalidValue,
            line: 1,
            column: 5,
            fragment: "expected digits after '.'"
        ),
        Case(
            name: "float without exponent digits",
            source: "a = 1e",
            code: .invalidValue,
            line: 1,
            column: 5,
            fragment: "expected digits in the exponent"
        ),
        // Unsupported.
        Case(
            name: "offset date-time",
            source: "\nwhen = 1979-05-27T07:32:00Z",
            code: .unsupported,
            line: 2,
            column: 8,
            fragment: "dates and times are not supported"
        ),
        Case(
            name: "local time",
            source: "at = 07:32:00",
            code: .unsupported,
            line: 1,
            column: 6,
            fragment: "write the value as a string"
        ),
    ]

    @Test(arguments: cases)
    func refused(_ testCase: Case) {
        do {
            let table = try TOMLParser.parse(testCase.source)
            Issue.record("parsed instead of failing: \(table.keys)")
        } catch {
            #expect(error.code == testCase.code)
            #expect(error.line == testCase.line)
            #expect(error.column == testCase.column)
            #expect(error.message.contains(testCase.fragment), "\(error.message)")
            #expect(error.description.hasPrefix("line \(testCase.line), column \(testCase.column): "))
        }
    }
}
