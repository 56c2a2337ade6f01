import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import HTTPServer

/// The core's deadlines on an embedded event loop, whose clock only moves when the test moves it: no timing.
@Suite struct HTTPDeadlineHandlerTests {
    private static func channel(head: Int64 = 5, read: Int64 = 10, idle: Int64 = 60) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            HTTPDeadlineHandler(
                headTimeout: .seconds(head),
                readTimeout: .seconds(read),
                idleTimeout: .seconds(idle)
            )
        )
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        return channel
    }

    private static func deadlineKind(_ channel: EmbeddedChannel) -> HTTPDeadlineExceeded.Kind? {
        do {
            try channel.throwIfErrorCaught()
            return nil
        } catch let error as HTTPDeadlineExceeded {
            return error.kind
        } catch {
            return nil
        }
    }

    private static let head = HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/"))

    @Test func aHeadThatDoesNotArriveInTimeEndsTheStream() throws {
        let channel = try Self.channel()
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(Self.deadlineKind(channel) == nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(Self.deadlineKind(channel) == .head)
    }

    @Test func afterTheHeadTheReadDeadlineCountsFromTheFirstByte() throws {
        let channel = try Self.channel()
        channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(6))
        #expect(Self.deadlineKind(channel) == nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(Self.deadlineKind(channel) == .read)
    }

    @Test func noDeadlineRunsWhileReplaydWorksThenTheIdleOneDoes() throws {
        let channel = try Self.channel()
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(3600))
        #expect(Self.deadlineKind(channel) == nil)
        #expect(channel.isActive)
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(59))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
        #expect(Self.deadlineKind(channel) == nil)
    }

    @Test func aPipelinedRequestsClockStartsWhenThePreviousAnswerIsWritten() throws {
        let channel = try Self.channel()
        try channel.writeInbound(Self.head)
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        // The next request's head arrives while the first is being worked on.
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(100))
        try channel.writeOutbound(HTTPServerResponsePart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(9))
        #expect(Self.deadlineKind(channel) == nil)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(Self.deadlineKind(channel) == .read)
    }
}
