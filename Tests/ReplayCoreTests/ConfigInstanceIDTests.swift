import Testing

@testable import ReplayCore

/// `[state] instance_id`: by default the host name and a hash of `[state] dir`; set, any name of up to 128
/// letters, digits, `.`, `_`, `-` and `:`.
@Suite struct ConfigInstanceIDTests {
    private let environment = ["STRAIT_API_KEY": "k"]

    private func decode(_ toml: String) throws -> ReplaydConfig {
        try ReplaydConfig.decode(toml: minimalConfig + toml, file: "replayd.toml", environment: environment)
    }

    @Test func theHostNameUnlessSet() throws {
        #expect(try decode("").state.instanceID == nil)
        let derived = try decode("").state.resolvedInstanceID(hostname: "gw1.example")
        #expect(derived.hasPrefix("gw1.example-") && derived.utf8.count == "gw1.example-".utf8.count + 8)
        let set = try decode("[state]\ninstance_id = \"gw-a_1.eu\"\n").state
        #expect(set.resolvedInstanceID(hostname: "gw1.example") == "gw-a_1.eu")
    }

    @Test func aBadIdNamesTheKeyAndWhatIsAllowed() {
        let cases = [
            ("", "state.instance_id: must be 1 to 128 characters"),
            (String(repeating: "x", count: 129), "state.instance_id: must be 1 to 128 characters"),
            ("gw a", "state.instance_id: may contain only letters, digits, '.', '_', '-' and ':'"),
            ("gw/a", "state.instance_id: may contain only letters, digits, '.', '_', '-' and ':'"),
        ]
        for (bad, expected) in cases {
            let problems = decodeErrors(
                minimalConfig + "[state]\ninstance_id = \"\(bad)\"\n",
                environment: environment
            ).map(\.description)
            #expect(problems.first?.contains(expected) == true, "\(bad): \(problems)")
        }
    }
}
