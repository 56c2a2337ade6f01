import Testing

@testable import ReplayCore

/// The TOML grammar: every construct a config file may use, and the positions kept for each value.
@Suite struct ConfigTOMLParserTests {
    private func parse(_ source: String) throws -> TOMLTable {
        try TOMLParser.parse(source)
    }

    private func value(_ table: TOMLTable, _ path: String...) -> TOMLValue? {
        var current: TOMLValue? = TOMLValue(.table(table), line: 1, column: 1)
        for key in path {
            current = current?.tableValue?[key]
        }
        return current
    }

    @Test func emptyDocumentsAndComments() throws {
        #expect(try parse("").isEmpty)
        #expect(try parse("\n\n  \t\n").isEmpty)
        #expect(try parse("# only a comment").isEmpty)
        let table = try parse("# heading\na = 1 # trailing\n# end\n")
        #expect(table.keys == ["a"])
        #expect(table["a"]?.integerValue == 1)
    }

    @Test func keysBareQuotedAndDotted() throws {
        let table = try parse(
            """
            bare_key-1 = 1
            1234 = 2
            "quoted key" = 3
            'literal "key"' = 4
            "" = 5
            site."google.com".ok = true
            fruit . color = "red"
            """
        )
        #expect(table["bare_key-1"]?.integerValue == 1)
        #expect(table["1234"]?.integerValue == 2)
        #expect(table["quoted key"]?.integerValue == 3)
        #expect(table["literal \"key\""]?.integerValue == 4)
        #expect(table[""]?.integerValue == 5)
        #expect(value(table, "site", "google.com", "ok")?.booleanValue == true)
        #expect(value(table, "fruit", "color")?.stringValue == "red")
        #expect(table.keys == ["bare_key-1", "1234", "quoted key", "literal \"key\"", "", "site", "fruit"])
    }

    @Test func tablesAndSubTables() throws {
        let table = try parse(
            """
            top = 0
            [a]
            x = 1
            [a.b.c]
            y = 2
            [ d . "e f" ]
            z = 3
            [a.b]
            w = 4
            """
        )
        #expect(table["top"]?.integerValue == 0)
        #expect(value(table, "a", "x")?.integerValue == 1)
        #expect(value(table, "a", "b", "c", "y")?.integerValue == 2)
        #expect(value(table, "d", "e f", "z")?.integerValue == 3)
        #expect(value(table, "a", "b", "w")?.integerValue == 4)
        #expect(value(table, "a")?.line == 2)
        #expect(value(table, "a", "b")?.line == 8)
    }

    @Test func subTablesMayExtendDottedTables() throws {
        let table = try parse(
            """
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """
        )
        #expect(value(table, "fruit", "apple", "taste", "sweet")?.booleanValue == true)
        #expect(value(table, "fruit", "apple", "texture", "smooth")?.booleanValue == true)
    }

    @Test func arraysOfTables() throws {
        let table = try parse(
            """
            [[principals]]
            name = "alice"
            [principals.extra]
            k = 1
            [[principals]]
            name = "bob"
            [[principals.keys]]
            id = 7

            [[principals.keys]]
            id = 8
            """
        )
        let principals = try #require(table["principals"]?.arrayValue)
        #expect(principals.count == 2)
        #expect(principals[0].line == 1)
        #expect(principals[1].line == 5)
        #expect(principals[0].tableValue?["name"]?.stringValue == "alice")
        #expect(principals[0].tableValue?["extra"]?.tableValue?["k"]?.integerValue == 1)
        #expect(principals[1].tableValue?["name"]?.stringValue == "bob")
        let keys = try #require(principals[1].tableValue?["keys"]?.arrayValue)
        #expect(keys.map { $0.tableValue?["id"]?.integerValue } == [7, 8])
    }

    @Test func basicStringEscapes() throws {
        let table = try parse(
            #"""
            s = "quote \" backslash \\ newline \n tab \t cr \r bs \b ff \f"
            u = "\u00E9\U0001F600\u0041"
            plain = "tab	inside and ünïcödé"
            """#
        )
        #expect(table["s"]?.stringValue == "quote \" backslash \\ newline \n tab \t cr \r bs \u{08} ff \u{0C}")
        #expect(table["u"]?.stringValue == "é😀A")
        #expect(table["plain"]?.stringValue == "tab\tinside and ünïcödé")
    }

    @Test func literalStrings() throws {
        let table = try parse(#"path = 'C:\Users\nodejs\templates'"# + "\n" + #"re = '<\i\c*\s*>'"#)
        #expect(table["path"]?.stringValue == #"C:\Users\nodejs\templates"#)
        #expect(table["re"]?.stringValue == #"<\i\c*\s*>"#)
    }

    @Test func multiLineBasicStrings() throws {
        let table = try parse(
            #"""
            a = """
            Roses are red
            Violets are blue"""
            b = """\
                   The quick brown \
                   fox.\
                   """
            c = """Here are two quotation marks: "". Simple."""
            d = """Ends with a quote: """"
            e = """Ends with two: """""
            f = """esc \t \u0041"""
            """#
        )
        #expect(table["a"]?.stringValue == "Roses are red\nViolets are blue")
        #expect(table["b"]?.stringValue == "The quick brown fox.")
        #expect(table["c"]?.stringValue == #"Here are two quotation marks: "". Simple."#)
        #expect(table["d"]?.stringValue == #"Ends with a quote: ""#)
        #expect(table["e"]?.stringValue == #"Ends with two: """#)
        #expect(table["f"]?.stringValue == "esc \t A")
        #expect(table["b"]?.line == 4)
        #expect(table["c"]?.line == 8)
    }

    @Test func multiLineLiteralStrings() throws {
        let table = try parse(
            """
            a = '''
            The first newline is
            trimmed in raw strings.
               All other whitespace \\n
               is preserved.
            '''
            b = '''I [dw]on't need \\d{2} apples'''
            c = ''''That,' she said.''''
            """
        )
        #expect(
            table["a"]?.stringValue
                == "The first newline is\ntrimmed in raw strings.\n   All other whitespace \\n\n   is preserved.\n"
        )
        #expect(table["b"]?.stringValue == #"I [dw]on't need \d{2} apples"#)
        #expect(table["c"]?.stringValue == "'That,' she said.'")
        #expect(table["b"]?.line == 7)
    }

    @Test func integers() throws {
        let table = try parse(
            """
            a = +99
            b = 42
            c = 0
            d = -17
            e = 1_000_000
            f = 5_349_221
            g = 0xDEADbeef
            h = 0xdead_beef
            i = 0o755
            j = 0b1101_0110
            k = 9223372036854775807
            l = -9223372036854775808
            m = -0
            """
        )
        let expected: [String: Int64] = [
            "a": 99, "b": 42, "c": 0, "d": -17, "e": 1_000_000, "f": 5_349_221, "g": 0xDEAD_BEEF,
            "h": 0xDEAD_BEEF, "i": 0o755, "j": 0b1101_0110, "k": .max, "l": .min, "m": 0,
        ]
        for (key, number) in expected {
            #expect(table[key]?.integerValue == number, "\(key)")
        }
    }

    @Test func floats() throws {
        let table = try parse(
            """
            a = +1.0
            b = 3.1415
            c = -0.01
            d = 5e+22
            e = 1e06
            f = -2E-2
            g = 6.626e-34
            h = 224_617.445_991_228
            i = inf
            j = -inf
            k = nan
            l = +nan
            """
        )
        #expect(table["a"]?.floatValue == 1.0)
        #expect(table["b"]?.floatValue == 3.1415)
        #expect(table["c"]?.floatValue == -0.01)
        #expect(table["d"]?.floatValue == 5e22)
        #expect(table["e"]?.floatValue == 1e6)
        #expect(table["f"]?.floatValue == -2e-2)
        #expect(table["g"]?.floatValue == 6.626e-34)
        #expect(table["h"]?.floatValue == 224_617.445_991_228)
        #expect(table["i"]?.floatValue == .infinity)
        #expect(table["j"]?.floatValue == -.infinity)
        #expect(table["k"]?.floatValue?.isNaN == true)
        #expect(table["l"]?.floatValue?.isNaN == true)
    }

    @Test func booleans() throws {
        let table = try parse("t = true\nf = false")
        #expect(table["t"]?.booleanValue == true)
        #expect(table["f"]?.booleanValue == false)
        #expect(table["t"]?.typeName == "boolean")
    }

    @Test func arrays() throws {
        let table = try parse(
            """
            empty = []
            ints = [ 1, 2, 3 ]
            mixed = [ 0.1, "x", true, [1, 2], { a = 1 } ]
            nested = [ [ 1, 2 ], ["a", 'b'] ]
            multi = [
              1,   # one
              # a comment line

              2,
            ]
            trailing = [1,2,]
            """
        )
        #expect(table["empty"]?.arrayValue?.isEmpty == true)
        #expect(table["ints"]?.arrayValue?.compactMap(\.integerValue) == [1, 2, 3])
        let mixed = try #require(table["mixed"]?.arrayValue)
        #expect(mixed.map(\.typeName) == ["float", "string", "boolean", "array", "table"])
        #expect(mixed[4].tableValue?["a"]?.integerValue == 1)
        #expect(table["nested"]?.arrayValue?[1].arrayValue?.compactMap(\.stringValue) == ["a", "b"])
        let multi = try #require(table["multi"]?.arrayValue)
        #expect(multi.compactMap(\.integerValue) == [1, 2])
        #expect(multi.map(\.line) == [6, 9])
        #expect(table["trailing"]?.arrayValue?.count == 2)
    }

    @Test func inlineTables() throws {
        let table = try parse(
            """
            name = { first = "Tom", last = "Preston-Werner" }
            point = {x=1,y=2}
            animal = { type.name = "pug", type.size = "small" }
            empty = {}
            nested = { inner = { deep = [1, { k = "v" }] } }
            """
        )
        #expect(value(table, "name", "first")?.stringValue == "Tom")
        #expect(value(table, "name")?.tableValue?.keys == ["first", "last"])
        #expect(value(table, "point", "y")?.integerValue == 2)
        #expect(value(table, "animal", "type", "size")?.stringValue == "small")
        #expect(value(table, "empty")?.tableValue?.isEmpty == true)
        #expect(
            value(table, "nested", "inner", "deep")?.arrayValue?[1].tableValue?["k"]?.stringValue == "v"
        )
    }

    @Test func positionsOfValues() throws {
        let table = try parse("\n[server]\n  host  =  \"é\"\n  port = 8080\n")
        let server = try #require(table["server"])
        #expect(server.line == 2)
        #expect(server.column == 1)
        #expect(server.tableValue?["host"]?.line == 3)
        #expect(server.tableValue?["host"]?.column == 12)
        #expect(server.tableValue?["port"]?.line == 4)
        #expect(server.tableValue?["port"]?.column == 10)
    }

    @Test func windowsLineEndingsAndByteOrderMark() throws {
        let table = try parse("\u{FEFF}a = 1\r\nb = \"\"\"\r\nx\r\ny\"\"\"\r\n# c\r\n")
        #expect(table["a"]?.integerValue == 1)
        #expect(table["b"]?.stringValue == "x\ny")
        #expect(table["b"]?.line == 2)
    }

    @Test func implicitTableMayBeDefinedLater() throws {
        let table = try parse("[x.y.z]\nk = 1\n[x]\nj = 2\n")
        #expect(value(table, "x", "j")?.integerValue == 2)
        #expect(value(table, "x", "y", "z", "k")?.integerValue == 1)
        #expect(value(table, "x")?.line == 3)
    }
}
