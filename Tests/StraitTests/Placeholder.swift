import Testing

@Test func StraitTestsBuilds() {
    #expect(Bool(true))
}
