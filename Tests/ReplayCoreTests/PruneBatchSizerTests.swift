import Testing

@testable import ReplayCore

/// `PruneBatchSizer`: batch sizes follow the time each batch held the writer, within bounds; rests follow it too.
@Suite struct PruneBatchSizerTests {
    @Test func startsAtTheInitialSizeWithinTheBounds() {
        #expect(PruneBatchSizer().size == PruneBatchSizer.defaultInitial)
        #expect(PruneBatchSizer(initial: 1_000, maximum: 500).size == 500)
        #expect(PruneBatchSizer(initial: 0, minimum: 3).size == 3)
        #expect(PruneBatchSizer(initial: 5, minimum: 0, maximum: -2).size == 1, "minimum raised to 1, maximum to it")
    }

    @Test func aBatchOverTheTargetShrinksTheNextInProportion() {
        var sizer = PruneBatchSizer(target: .milliseconds(4), initial: 100)
        _ = sizer.record(held: .milliseconds(8))
        #expect(sizer.size == 50)
        _ = sizer.record(held: .milliseconds(40))
        #expect(sizer.size == 5)
        _ = sizer.record(held: .seconds(1))
        #expect(sizer.size == 1, "never below the minimum")
    }

    @Test func aBatchUnderTheTargetGrowsTheNextAtMostTwofold() {
        var sizer = PruneBatchSizer(target: .milliseconds(4), initial: 10, maximum: 500)
        _ = sizer.record(held: .milliseconds(4))
        #expect(sizer.size == 10, "at the target the size stays")
        _ = sizer.record(held: .milliseconds(3))
        #expect(sizer.size == 13, "10 × 4/3, rounded down")
        _ = sizer.record(held: .microseconds(10))
        #expect(sizer.size == 26, "a very quick batch only doubles it")
        _ = sizer.record(held: .zero)
        #expect(sizer.size == 52, "so does one measured as taking no time")
        for _ in 0..<10 { _ = sizer.record(held: .microseconds(1)) }
        #expect(sizer.size == 500, "never above the maximum")
    }

    @Test func restsAsLongAsTheBatchHeldTheWriterTimesTheRatio() {
        var sizer = PruneBatchSizer()
        #expect(sizer.record(held: .milliseconds(3)) == .milliseconds(3))
        var half = PruneBatchSizer(restRatio: 0.5)
        #expect(half.record(held: .milliseconds(8)) == .milliseconds(4))
        var none = PruneBatchSizer(restRatio: -1)
        #expect(none.restRatio == 0)
        #expect(none.record(held: .milliseconds(8)) == .zero)
        #expect(sizer.record(held: .milliseconds(-5)) == .zero, "a negative measurement counts as none")
    }

    @Test func aFixedSizerKeepsItsSizeAndNeverRests() {
        var sizer = PruneBatchSizer.fixed(500)
        #expect(sizer.size == 500)
        #expect(sizer.record(held: .seconds(2)) == .zero)
        #expect(sizer.record(held: .microseconds(1)) == .zero)
        #expect(sizer.size == 500)
    }
}
