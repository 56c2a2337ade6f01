import ReplayCore
import Strait
import StraitSimulator
import Testing

/// `[auth]` reloading live: the run lookup takes a new TTL and cache size in place, against the real simulator
/// (its GETs counted) on a fake clock. A change empties the cache; the same settings again keep it.
@Suite struct RunLookupReloadTests {
    @Test func aChangedTTLEmptiesTheCacheAndAppliesToTheNextLookup() async throws {
        try await EngineHarness.with { harness in
            let clock = ManualReplayClock()
            let lookup = CachedRunLookup(
                upstream: StraitClient(
                    baseURL: harness.baseURL,
                    apiKey: StraitAPIKey(SimulatorFixtures.demoWriteKey),
                    http: harness.http
                ),
                clock: clock,
                ttl: .seconds(60),
                capacity: 100
            )
            let run = try RunID("run_failed_1")
            let before = GrantPipelineTests.runReads(harness)
            #expect(try await lookup.facts(of: run, requestID: "r1").cached == false)
            #expect(try await lookup.facts(of: run, requestID: "r2").cached == true)

            // The same settings: nothing changes, the entry stays.
            lookup.apply(ttl: .seconds(60), capacity: 100)
            #expect(try await lookup.facts(of: run, requestID: "r3").cached == true)
            #expect(GrantPipelineTests.runReads(harness) == before + 1)

            // A shorter TTL: the cache starts empty, and the new TTL bounds the next entry.
            lookup.apply(ttl: .seconds(10), capacity: 100)
            #expect(lookup.count == 0)
            #expect(lookup.settings.ttl == .seconds(10))
            #expect(try await lookup.facts(of: run, requestID: "r4").cached == false)
            clock.advance(by: .seconds(9))
            #expect(try await lookup.facts(of: run, requestID: "r5").cached == true)
            clock.advance(by: .seconds(2))
            #expect(try await lookup.facts(of: run, requestID: "r6").cached == false)
            #expect(GrantPipelineTests.runReads(harness) == before + 3)

            // A new cache size alone empties it too.
            lookup.apply(ttl: .seconds(10), capacity: 1)
            #expect(lookup.count == 0 && lookup.settings.capacity == 1)
        }
    }
}
