import Testing

@Test func ReplayCoreTestsBuilds() {
    #expect(Bool(true))
}
