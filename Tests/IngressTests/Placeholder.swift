import Testing

@Test func IngressTestsBuilds() {
    #expect(Bool(true))
}
