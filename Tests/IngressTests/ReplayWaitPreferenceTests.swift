import Ingress
import Testing

/// `Prefer` on the replay route (RFC 7240): what wait each header value asks for.
@Suite struct ReplayWaitPreferenceTests {
    @Test func respondAsyncAsksForNoWait() throws {
        let preference = try #require(ReplayWaitPreference(preferValues: ["respond-async"]))
        #expect(preference.wait == .zero)
        #expect(preference.applied == "respond-async")
        #expect(ReplayWaitPreference(preferValues: ["Respond-Async; foo=bar"])?.wait == .zero)
    }

    @Test func waitAsksForAtMostThatManySecondsAndTheShortestWins() {
        #expect(ReplayWaitPreference(preferValues: ["wait=5"])?.wait == .seconds(5))
        #expect(ReplayWaitPreference(preferValues: ["wait=5"])?.applied == "wait=5")
        #expect(ReplayWaitPreference(preferValues: ["wait=9, wait=\"3\""])?.wait == .seconds(3))
        #expect(ReplayWaitPreference(preferValues: ["wait=0"])?.applied == "wait=0")
        #expect(ReplayWaitPreference(preferValues: ["wait=7", "respond-async"])?.applied == "respond-async")
    }

    @Test func anythingElseIsIgnored() {
        #expect(ReplayWaitPreference(preferValues: []) == nil)
        #expect(ReplayWaitPreference(preferValues: ["return=minimal"]) == nil)
        #expect(ReplayWaitPreference(preferValues: ["wait=soon", "wait=-1", "wait=", "respond-async=1"]) == nil)
    }
}
