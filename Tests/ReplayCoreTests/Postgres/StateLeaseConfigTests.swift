import Testing

@testable import ReplayCore

/// `[state] instance_id` and `[state] lease_ttl`.
@Suite struct StateLeaseConfigTests {
    private let postgres = "[state]\nbackend = \"postgres\"\nurl_env = \"REPLAYD_STATE_URL\"\n"
    private let environment = ["STRAIT_API_KEY": "k", "REPLAYD_STATE_URL": "postgres://u@db/replay"]

    @Test func theInstanceIDAndLeaseLengthAreRead() throws {
        let config = try ReplaydConfig.decode(
            toml: minimalConfig + postgres + "instance_id = \"gw-1\"\nlease_ttl = \"30s\"\n",
            environment: environment
        )
        #expect(config.state.instanceID == "gw-1")
        #expect(config.state.resolvedInstanceID(hostname: "ignored") == "gw-1")
        #expect(config.state.leaseTTL == .seconds(30))
        let summary = config.summary()
        #expect(summary.contains("  instance_id: gw-1\n"))
        #expect(summary.contains("  lease_ttl: 30s\n"))
    }

    @Test func theDefaultsAreFifteenSecondsAndAnIDFromTheHostAndStateDirectory() throws {
        let config = try ReplaydConfig.decode(toml: minimalConfig + postgres, environment: environment)
        #expect(config.state.instanceID == nil)
        #expect(config.state.leaseTTL == .seconds(15))
        let derived = config.state.resolvedInstanceID(hostname: "gw-1.example")
        #expect(derived == StateInstanceID.derived(hostname: "gw-1.example", stateDirectory: config.state.directory))
        #expect(derived.hasPrefix("gw-1.example-"))
        #expect(derived.count == "gw-1.example-".count + 8)
        // Stable, and different for another state directory on the same host.
        #expect(derived == config.state.resolvedInstanceID(hostname: "gw-1.example"))
        #expect(derived != StateInstanceID.derived(hostname: "gw-1.example", stateDirectory: "/srv/replayd-2"))
        #expect(StateInstanceID.derived(hostname: "bad host/\u{e9}", stateDirectory: "/d").hasPrefix("badhost-"))
        #expect(StateInstanceID.problem(derived) == nil)
    }

    @Test func badValuesAreRefusedAtTheirKeys() {
        let badID = decodeErrors(minimalConfig + postgres + "instance_id = \"gw 1\"\n", environment: environment)
        #expect(badID.map(\.keyPath) == ["state.instance_id"])
        let empty = decodeErrors(minimalConfig + postgres + "instance_id = \"\"\n", environment: environment)
        #expect(empty.map(\.keyPath) == ["state.instance_id"])
        let short = decodeErrors(minimalConfig + postgres + "lease_ttl = \"1s\"\n", environment: environment)
        #expect(short.map(\.keyPath) == ["state.lease_ttl"])
        let sqlite = decodeErrors(minimalConfig + "[state]\nlease_ttl = \"20s\"\n")
        #expect(sqlite.map(\.keyPath) == ["state.lease_ttl"])
        #expect(sqlite.first?.message.contains("only with backend = \"postgres\"") == true)
    }
}
