import Ingress
import Testing

@Suite struct WebhookServerTrustedProxiesTests {
    @Test func addressesParseToTheirCanonicalForm() throws {
        #expect(IPAddress("203.0.113.9")?.description == "203.0.113.9")
        #expect(IPAddress("2001:DB8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPAddress("[2001:db8::1]")?.description == "2001:db8::1")
        // IPv4-mapped IPv6 is the IPv4 address, so a dual-stack peer and its IPv4 spelling are one key.
        #expect(IPAddress("::ffff:203.0.113.9") == IPAddress("203.0.113.9"))
        #expect(IPAddress("::ffff:203.0.113.9")?.description == "203.0.113.9")
        #expect(try #require(IPAddress("203.0.113.9")).isIPv4)
        #expect(try !#require(IPAddress("::1")).isIPv4)
        for bad in ["", "example.com", "10.0.0", "10.0.0.256", "1.2.3.4:80", "fe80::1%eth0", "unknown", "::g"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func cidrBlocksParseAndMatch() throws {
        let ten = try CIDR("10.0.0.0/8")
        #expect(ten.prefixLength == 8)
        #expect(ten.contains(try #require(IPAddress("10.255.1.2"))))
        #expect(!ten.contains(try #require(IPAddress("11.0.0.1"))))
        #expect(!ten.contains(try #require(IPAddress("::a00:1"))))

        // Host bits are ignored, and a bare address is a network of one.
        let sloppy = try CIDR(" 192.168.7.9/16 ")
        #expect(sloppy.description == "192.168.0.0/16")
        #expect(sloppy.contains(try #require(IPAddress("192.168.200.1"))))
        let host = try CIDR("203.0.113.9")
        #expect(host.description == "203.0.113.9/32")
        #expect(host.contains(try #require(IPAddress("203.0.113.9"))))
        #expect(!host.contains(try #require(IPAddress("203.0.113.10"))))

        let v6 = try CIDR("2001:db8::/32")
        #expect(v6.contains(try #require(IPAddress("2001:db8:ffff::1"))))
        #expect(!v6.contains(try #require(IPAddress("2001:db9::1"))))
        #expect(!v6.contains(try #require(IPAddress("10.0.0.1"))))
        let odd = try CIDR("2001:db8:ff00::/41")
        #expect(odd.contains(try #require(IPAddress("2001:db8:ff7f::1"))))
        #expect(!odd.contains(try #require(IPAddress("2001:db8:ff80::1"))))

        #expect(try CIDR("0.0.0.0/0").contains(try #require(IPAddress("198.51.100.1"))))
        #expect(!(try CIDR("0.0.0.0/0")).contains(try #require(IPAddress("::1"))))
        #expect(try CIDR("::1").contains(try #require(IPAddress("::1"))))
    }

    @Test func malformedCIDRBlocksAreRefusedWithTheirText() {
        for bad in ["10.0.0.0/33", "::1/129", "10.0.0/8", "/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "x/8"] {
            #expect(throws: WebhookServerError.self, "\(bad)") { try CIDR(bad) }
            do {
                _ = try CIDR(bad)
            } catch {
                #expect(error.code == .invalidCIDR)
                #expect(error.message.contains(bad))
            }
        }
    }

    @Test func forwardedForIsIgnoredFromAnUntrustedPeer() throws {
        let proxies = TrustedProxies([try CIDR("10.0.0.0/8")])
        #expect(proxies.clientAddress(peer: "198.51.100.7", forwardedFor: ["203.0.113.9"]) == "198.51.100.7")
        #expect(TrustedProxies().clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: []) == "10.0.0.1")
        #expect(proxies.clientAddress(peer: "::ffff:10.0.0.1", forwardedFor: []) == "10.0.0.1")
    }

    @Test func theClientIsTheRightMostUntrustedEntry() throws {
        let proxies = TrustedProxies([try CIDR("10.0.0.0/8"), try CIDR("fd00::/8")])
        // The left-most entry is whatever the client claimed; the trusted proxies appended the rest.
        #expect(
            proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["1.1.1.1, 203.0.113.9, 10.9.9.9"])
                == "203.0.113.9"
        )
        // Several header fields are one list, in order.
        #expect(
            proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["1.1.1.1", "203.0.113.9", "10.9.9.9"])
                == "203.0.113.9"
        )
        // Every hop trusted: the left-most one is the client.
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["10.3.3.3, 10.2.2.2"]) == "10.3.3.3")
        // Ports are dropped; IPv6 is canonical.
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["203.0.113.9:4711"]) == "203.0.113.9")
        #expect(
            proxies.clientAddress(peer: "fd00::1", forwardedFor: ["[2001:DB8::5]:4711"]) == "2001:db8::5"
        )
        #expect(proxies.clientAddress(peer: "fd00::1", forwardedFor: ["2001:db8::5"]) == "2001:db8::5")
    }

    @Test func aMalformedEntryNeverBecomesTheClient() throws {
        let proxies = TrustedProxies([try CIDR("10.0.0.0/8")])
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["unknown"]) == "10.0.0.1")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["203.0.113.9, garbage, 10.2.2.2"]) == "10.2.2.2")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: [""]) == "10.0.0.1")
    }
}
