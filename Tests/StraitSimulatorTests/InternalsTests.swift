import NIOHTTP1
import Strait
import Testing

@testable import StraitSimulator

/// Pure pieces tested directly.
@Suite struct InternalsTests {
    @Test func goDurationFormatting() {
        #expect(GoDuration.format(seconds: 0) == "0s")
        #expect(GoDuration.format(seconds: 59) == "59s")
        #expect(GoDuration.format(seconds: 60) == "1m0s")
        #expect(GoDuration.format(seconds: 299) == "4m59s")
        #expect(GoDuration.format(seconds: 3600) == "1h0m0s")
    }

    @Test func uuidV7CarriesTheMillisecondsAndVersion() {
        var generator = SystemRandomNumberGenerator()
        let id = UUIDv7.make(unixTime: .milliseconds(1_777_636_800_123), using: &generator)
        #expect(id.hasPrefix("019de368-f67b-7"))
        #expect(id.count == 36)
        #expect("89ab".contains(id[id.index(id.startIndex, offsetBy: 19)]))
    }

    @Test func queryIsParsedLikeGo() {
        let request = SimulatorRequest(
            method: "GET",
            target: "/v1/runs?a=1&a=2&b=x+y&c=%2B3&bad=%zz&semi;colon=1&=empty&flag",
            headers: [:],
            body: [],
            bodyLength: 0,
            remoteIP: "127.0.0.1"
        )
        #expect(request.path == "/v1/runs")
        #expect(request.queryValue("a") == "1")
        #expect(request.queryValue("b") == "x y")
        #expect(request.queryValue("c") == "+3")
        #expect(request.queryValue("bad") == nil)
        #expect(request.queryValue("semi;colon") == nil)
        #expect(request.queryValue("") == "empty")
        #expect(request.queryValue("flag") == "")
    }

    @Test func routesMatchLikeChi() {
        #expect(SimulatorRoute.match(method: "POST", path: "/v1/runs/a%2Fb/replay") == .route(.replay(runID: "a/b")))
        #expect(SimulatorRoute.match(method: "GET", path: "/v1/runs/x/replay") == .methodNotAllowed(allowed: ["POST"]))
        #expect(SimulatorRoute.match(method: "GET", path: "/v1/runs/") == .notFound)
        #expect(SimulatorRoute.match(method: "GET", path: "/v1/runs/%zz") == .badRequest)
    }

    @Test func slidingWindowLimiterWeighsThePreviousWindow() {
        var limiter = SlidingWindowLimiter()
        let limit = SimulatorConfiguration.RateLimit(requests: 10, window: .seconds(60))
        for _ in 0..<10 { #expect(limiter.attempt(key: "k", limit: limit, now: .seconds(10)).allowed) }
        let refused = limiter.attempt(key: "k", limit: limit, now: .seconds(59))
        #expect(!refused.allowed)
        #expect(refused.remaining == 0)
        #expect(refused.untilWindowEnd == .seconds(1))
        // 30 s into the next window the previous 10 weigh 5.
        let half = limiter.attempt(key: "k", limit: limit, now: .seconds(90))
        #expect(half.allowed)
        #expect(half.remaining == 4)
        #expect(limiter.attempt(key: "other", limit: limit, now: .seconds(90)).remaining == 9)
    }

    @Test func lockoutTiers() {
        var lockout = AuthLockout()
        for _ in 0..<9 { lockout.recordFailure(ip: "a", now: .zero) }
        #expect(lockout.remainingLock(ip: "a", now: .zero) == nil)
        lockout.recordFailure(ip: "a", now: .zero)
        #expect(lockout.remainingLock(ip: "a", now: .seconds(1)) == .seconds(59))
        #expect(lockout.remainingLock(ip: "a", now: .seconds(60)) == nil)
        #expect(lockout.remainingLock(ip: "b", now: .zero) == nil)
        for _ in 0..<40 { lockout.recordFailure(ip: "a", now: .seconds(61)) }
        #expect(lockout.remainingLock(ip: "a", now: .seconds(61)) == .seconds(15 * 60))
    }

    @Test func requestIDsComeFromTheHeaderOrTheCounter() {
        var generator = SystemRandomNumberGenerator()
        var ids = RequestIDGenerator(hostname: "h", using: &generator)
        #expect(ids.id(inbound: "given") == "given")
        #expect(ids.id(inbound: nil).hasSuffix("-000001"))
        #expect(ids.id(inbound: "").hasSuffix("-000002"))
        #expect(ids.id(inbound: nil).hasPrefix("h/"))
    }
}
