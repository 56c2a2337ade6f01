import NIOCore
import NIOEmbedded
import Testing

@testable import HTTPServer

/// The core's connection caps, without sockets: embedded channels stand in for connections.
@Suite struct HTTPConnectionRegistryTests {
    private static func connected() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 80)).wait()
        return channel
    }

    @Test func eachClientGetsItsShareAndTheTotalHolds() throws {
        let registry = HTTPConnectionRegistry(maxConnections: 3, maxConnectionsPerClient: 2)
        let a1 = try Self.connected()
        let a2 = try Self.connected()
        let a3 = try Self.connected()
        let b1 = try Self.connected()
        let c1 = try Self.connected()
        let proxy = try Self.connected()
        #expect(registry.open(a1, clientKey: "a") == .admitted)
        #expect(registry.open(a2, clientKey: "a") == .admitted)
        #expect(registry.open(a3, clientKey: "a") == .overClient)
        #expect(registry.open(b1, clientKey: "b") == .admitted)
        #expect(registry.open(c1, clientKey: "c") == .overTotal)
        #expect(registry.open(proxy, clientKey: nil) == .overTotal)
        #expect(registry.connectionCount == 3)
        registry.close(a1)
        #expect(registry.connectionCount == 2)
        let a4 = try Self.connected()
        #expect(registry.open(a4, clientKey: "a") == .admitted)
        // Closing a connection that was never counted changes nothing.
        registry.close(a3)
        #expect(registry.connectionCount == 3)
    }

    @Test func theLongestIdleKeepAliveIsReclaimedButNeverABusyOrArrivingOne() throws {
        let registry = HTTPConnectionRegistry(maxConnections: 10, maxConnectionsPerClient: 3)
        let idleFirst = try Self.connected()
        let idleSecond = try Self.connected()
        let arriving = try Self.connected()
        for channel in [idleFirst, idleSecond, arriving] {
            #expect(registry.open(channel, clientKey: "a") == .admitted)
            registry.setBusy(channel, true)
            registry.setBusy(channel, false)
        }
        registry.requestStarted(on: arriving)
        let next = try Self.connected()
        #expect(registry.open(next, clientKey: "a") == .admitted)
        #expect(!idleFirst.isActive)
        #expect(idleSecond.isActive)
        #expect(arriving.isActive)
        // The new one is busy, the other idle one goes next; then nothing is idle and the cap holds.
        registry.setBusy(next, true)
        #expect(registry.open(try Self.connected(), clientKey: "a") == .admitted)
        #expect(!idleSecond.isActive)
        #expect(registry.open(try Self.connected(), clientKey: "a") == .overClient)
        #expect(arriving.isActive)
    }

    @Test func shutdownClosesIdleConnectionsAndTheDrainWaitsForBusyOnes() async throws {
        let registry = HTTPConnectionRegistry(maxConnections: 10, maxConnectionsPerClient: 10)
        let idle = try Self.connected()
        let busy = try Self.connected()
        _ = registry.open(idle, clientKey: "a")
        _ = registry.open(busy, clientKey: "a")
        registry.setBusy(busy, true)
        registry.beginShutdown()
        #expect(!idle.isActive)
        #expect(busy.isActive)
        #expect(registry.isShuttingDown)
        #expect(registry.inFlightCount == 1)
        async let drained: Void = registry.drained()
        registry.setBusy(busy, false)
        await drained
        #expect(registry.inFlightCount == 0)
    }
}
