import Testing

@testable import ReplayCore

/// `ConfigDuration` and `ConfigByteSize`: the string forms of durations and sizes.
@Suite struct ConfigDurationTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("5s", .seconds(5)),
        ("10m", .seconds(600)),
        ("24h", .seconds(86_400)),
        ("0s", .zero),
        ("1m30s", .seconds(90)),
        ("1h1m1s1ms", .milliseconds(3_661_001)),
        ("1500ms", .milliseconds(1500)),
    ])
    func parsesDurations(_ text: String, _ expected: Duration) {
        #expect(ConfigDuration.parse(text) == expected)
    }

    @Test(arguments: [
        "", "5", "s", "1.5s", "-5s", "5 s", " 5s", "5s ", "5sec", "5S", "1d", "30s1m", "1s1s", "5us",
        "99999999999999999999s", "9223372036854775807h",
    ])
    func refusesBadDurations(_ text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.milliseconds(250), "250ms"),
        (.seconds(5), "5s"),
        (.seconds(90), "1m30s"),
        (.seconds(86_400), "24h"),
        (.zero, "0s"),
        (.milliseconds(1001), "1s1ms"),
    ])
    func formatsDurations(_ duration: Duration, _ expected: String) {
        #expect(ConfigDuration.format(duration) == expected)
        #expect(ConfigDuration.parse(expected) == duration)
    }

    @Test func formatsSubMillisecondDurationsReadably() {
        #expect(ConfigDuration.format(.microseconds(1500)) == Duration.microseconds(1500).description)
    }

    @Test(arguments: [
        ("16KiB", 16_384),
        ("1MiB", 1_048_576),
        ("8MiB", 8_388_608),
        ("1GiB", 1_073_741_824),
        ("512B", 512),
        ("512", 512),
        ("16 KiB", 16_384),
    ])
    func parsesSizes(_ text: String, _ expected: Int) {
        #expect(ConfigByteSize.parse(text) == expected)
    }

    @Test(arguments: ["", "KiB", "16KB", "16kib", "1.5MiB", "-1KiB", "16  KiB", "16KiB ", "99999999999999GiB"])
    func refusesBadSizes(_ text: String) {
        #expect(ConfigByteSize.parse(text) == nil)
    }

    @Test func formatsSizes() {
        #expect(ConfigByteSize.format(16_384) == "16KiB")
        #expect(ConfigByteSize.format(8 << 20) == "8MiB")
        #expect(ConfigByteSize.format(1000) == "1000B")
        #expect(ConfigByteSize.format(0) == "0B")
    }
}
