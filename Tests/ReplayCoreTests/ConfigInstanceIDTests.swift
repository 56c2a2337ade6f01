import Testing

@testable import ReplayCore

/// `[state] instance_id`: the host name by default, any short name of letters, digits, `.`, `_` and `-`.
@Suite struct ConfigInstanceIDTests {
    private let environment = ["STRAIT_API_KEY": "k"]

    private func decode(_ toml: String) throws -> ReplaydConfig {
        try ReplaydConfig.decode(toml: minimalConfig + toml, file: "replayd.toml", environment: environment)
    }

    @Test func theHostNameUnlessSet() throws {
        #expect(try decode("").state.instanceID == nil)
        #expect(try decode("").state.instanceID(hostName: "gw1.example") == "gw1.example")
        let set = try decode("[state]\ninstance_id = \"gw-a_1.eu\"\n").state
        #expect(set.instanceID(hostName: "gw1.example") == "gw-a_1.eu")
    }

    @Test func aBadIdNamesTheKeyAndWhatIsAllowed() {
        for bad in ["", "gw a", "gw/a", String(repeating: "x", count: 65)] {
            let problems = decodeErrors(
                minimalConfig + "[state]\ninstance_id = \"\(bad)\"\n",
                environment: environment
            ).map(\.description)
            #expect(
                problems.first?.contains("state.instance_id: must be 1 to 64 letters, digits, '.', '_' or '-'") == true,
                "\(bad): \(problems)"
            )
        }
    }
}
