import Testing

@Test func CurlTestsBuilds() {
    #expect(Bool(true))
}
