import Testing

@Test func StraitSimulatorTestsBuilds() {
    #expect(Bool(true))
}
