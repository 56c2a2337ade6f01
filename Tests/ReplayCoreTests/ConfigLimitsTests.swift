import Testing

@testable import ReplayCore

/// `[limits]`: defaults, the `"N per P, burst B"` form, `"off"`, and errors that name the key, the line and the fix.
@Suite struct ConfigLimitsTests {
    private let environment = ["STRAIT_API_KEY": "k"]

    private func decode(_ toml: String) throws -> ReplaydConfig {
        try ReplaydConfig.decode(toml: minimalConfig + toml, file: "replayd.toml", environment: environment)
    }

    private func problems(_ toml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        decodeErrors(minimalConfig + toml, environment: environment, sourceLocation: sourceLocation).map(\.description)
    }

    @Test func withoutTheTableTheReferenceDefaultsApply() throws {
        let limits = try decode("").limits
        #expect(limits == LimitsConfig())
        #expect(limits.enabled)
        #expect(limits.perPrincipal == RateLimit(count: 30, per: .seconds(60), burst: 5))
        #expect(limits.readsPerPrincipal == RateLimit(count: 20, per: .seconds(1), burst: 40))
        #expect(limits.global == RateLimit(count: 100, per: .seconds(1), burst: 100))
        #expect(limits.maxInFlightPerPrincipal == 16)
        #expect(limits.maxKeys == 10_000)
        #expect(try decode("").socket.maxConnectionsPerUID == 16)
    }

    @Test func everyKeyDecodes() throws {
        let limits = try decode(
            """
            [limits]
            enabled = true
            per_principal = "60 per 1m, burst 20"
            per_source = "off"
            per_run = "2 per 10s"
            global = "500 per 1s, burst 1000"
            reads_per_principal = "5 per 1s, burst 10"
            max_in_flight_per_principal = 4
            max_keys = 2000
            """
        ).limits
        #expect(limits.perPrincipal == RateLimit(count: 60, per: .seconds(60), burst: 20))
        #expect(limits.perSource == nil)
        #expect(limits.perRun == RateLimit(count: 2, per: .seconds(10), burst: 2))
        #expect(limits.global == RateLimit(count: 500, per: .seconds(1), burst: 1000))
        #expect(limits.readsPerPrincipal == RateLimit(count: 5, per: .seconds(1), burst: 10))
        #expect(limits.maxInFlightPerPrincipal == 4)
        #expect(limits.maxKeys == 2000)
        #expect(try decode("[limits]\nenabled = false\n").limits.enabled == false)
    }

    @Test func badValuesAreNamedWithTheirKeyLineAndFix() {
        let found = problems(
            """
            [limits]
            per_principal = "60/1m"
            per_run = "3 per 1d, burst 2"
            global = 100
            max_in_flight_per_principal = 0
            per_princpal = "1 per 1s"
            """
        )
        #expect(found.count == 5, "\(found)")
        #expect(
            found.contains {
                $0.hasPrefix("replayd.toml:8: limits.per_principal:") && $0.contains("30 per 1m, burst 5")
            }
        )
        #expect(
            found.contains {
                $0.hasPrefix("replayd.toml:9: limits.per_run:") && $0.contains("\"1s\", \"1m\" or \"1h\"")
            }
        )
        #expect(found.contains { $0.hasPrefix("replayd.toml:10: limits.global:") })
        #expect(found.contains { $0.hasPrefix("replayd.toml:11: limits.max_in_flight_per_principal:") })
        #expect(found.contains { $0.contains("limits.per_princpal") && $0.contains("per_principal") })
    }
}
