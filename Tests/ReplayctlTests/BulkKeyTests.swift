import ReplayctlKit
import Testing

@Suite struct BulkKeyTests {
    @Test func isBulkThe32HexOfTheContentsSHA256AndTheLine() {
        // SHA-256 of the empty string is e3b0c442 98fc1c14 9afbf4c8 996fb924 27ae41e4 ...
        #expect(BulkKey(fileContent: []).key(line: 1) == "bulk-e3b0c44298fc1c149afbf4c8996fb924-1")
        let key = BulkKey(fileContent: Array("run_a\n".utf8)).key(line: 12)
        #expect(key.hasPrefix("bulk-") && key.hasSuffix("-12"))
        let digest = key.dropFirst(5).prefix(32)
        #expect(digest.count == 32 && digest.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func isStableForTheSameContent() {
        let content = Array("run_a\nrun_b 3\n".utf8)
        #expect(BulkKey(fileContent: content).key(line: 2) == BulkKey(fileContent: content).key(line: 2))
    }

    @Test func differsPerLineAndPerContent() {
        let keys = BulkKey(fileContent: Array("run_a\nrun_b\n".utf8))
        #expect(keys.key(line: 1) != keys.key(line: 2))
        let edited = BulkKey(fileContent: Array("run_a\nrun_b \n".utf8))
        #expect(edited.fileDigest != keys.fileDigest)
        #expect(edited.key(line: 1) != keys.key(line: 1))
    }

    @Test func fitsTheIdempotencyKeyLimit() {
        let key = BulkKey(fileContent: [1, 2, 3]).key(line: Int.max)
        #expect(key.utf8.count <= 255 && key.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F })
    }
}
