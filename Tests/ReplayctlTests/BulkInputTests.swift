import ReplayctlKit
import Testing

@Suite struct BulkInputTests {
    @Test func skipsBlanksAndCommentsAndKeepsLineNumbers() {
        let input = BulkInput(
            text: """
                # runs to replay after the outage
                run_a

                \trun_b   3
                  # indented comment
                run_c 12 # an inline comment
                run_d#not-a-comment
                """
        )
        #expect(input.errors.isEmpty)
        #expect(
            input.entries == [
                BulkEntry(line: 2, runID: "run_a"),
                BulkEntry(line: 4, runID: "run_b", checkpoint: 3),
                BulkEntry(line: 6, runID: "run_c", checkpoint: 12),
                BulkEntry(line: 7, runID: "run_d#not-a-comment"),
            ]
        )
        #expect(input.lineCount == 4)
    }

    @Test func acceptsCRLFAndATrailingNewline() {
        let input = BulkInput(text: "run_a 1\r\nrun_b\r\n")
        #expect(
            input.entries == [BulkEntry(line: 1, runID: "run_a", checkpoint: 1), BulkEntry(line: 2, runID: "run_b")]
        )
        #expect(input.errors.isEmpty)
    }

    @Test func reportsMalformedLinesWithTheirNumbersAndGoesOn() {
        let input = BulkInput(
            text: """
                run_a
                run_b 0
                run_c -4
                run_d three
                run_e 1 2
                run_f 1.5
                run_g 99999999999999999999
                run_h 7
                """
        )
        #expect(
            input.entries == [BulkEntry(line: 1, runID: "run_a"), BulkEntry(line: 8, runID: "run_h", checkpoint: 7)]
        )
        #expect(input.errors.map(\.line) == [2, 3, 4, 5, 6, 7])
        #expect(input.errors[0].description == "line 2: the checkpoint \"0\" is not a positive integer")
        #expect(input.errors[2].text == "run_d three")
        #expect(input.errors[3].message.contains("3 fields"))
        #expect(input.lineCount == 8)
    }

    @Test func refusesControlCharactersAndInvalidUTF8() {
        let bytes: [UInt8] =
            Array("run_a\n".utf8) + [0x72, 0x75, 0x6E, 0x01, 0x0A] + [0xFF, 0xFE, 0x0A] + Array("run_b".utf8)
        let input = BulkInput(bytes: bytes)
        #expect(input.entries == [BulkEntry(line: 1, runID: "run_a"), BulkEntry(line: 4, runID: "run_b")])
        #expect(input.errors.map(\.line) == [2, 3])
        #expect(input.errors[0].message.contains("control character (U+0001)"))
        #expect(input.errors[1].message == "the line is not valid UTF-8")
    }

    @Test func anEmptyOrCommentOnlyFileHasNothingToDo() {
        #expect(BulkInput(text: "").lineCount == 0)
        #expect(BulkInput(text: "\n\n# nothing\n   \n").lineCount == 0)
    }
}
