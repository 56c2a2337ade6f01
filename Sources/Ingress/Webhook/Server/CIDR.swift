/// An IP network: an address and a prefix length (`10.0.0.0/8`, `2001:db8::/32`). A bare address is a network of
/// one (`/32` or `/128`). Host bits below the prefix are ignored, as in Go's `ParseCIDR`.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The network address, host bits cleared.
    public let network: IPAddress
    /// The prefix length in the address's own family: 0...32 for IPv4, 0...128 for IPv6.
    public let prefixLength: Int

    /// Parses `address` or `address/prefix`.
    ///
    /// - Throws: `WebhookServerError.Code.invalidCIDR` naming the entry when it is not an IPv4 or IPv6 address
    ///   with an in-range prefix.
    public init(_ text: String) throws(WebhookServerError) {
        let trimmed = Self.trimmed(text)
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else {
            throw WebhookServerError(.invalidCIDR, "trusted proxy '\(trimmed)' is not an IP address or CIDR block")
        }
        let maximum = address.isIPv4 ? 32 : 128
        var prefix = maximum
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...maximum).contains(value), parts[1].allSatisfy(\.isASCII) else {
                throw WebhookServerError(
                    .invalidCIDR,
                    "trusted proxy '\(trimmed)' has a prefix length outside 0...\(maximum)"
                )
            }
            prefix = value
        }
        self.prefixLength = prefix
        self.network =
            IPAddress(bytes: Self.mask(address.bytes, bits: Self.maskBits(prefix, isIPv4: address.isIPv4)))
            ?? address
    }

    /// `true` when `address` lies in this network. An IPv4 network never contains an IPv6 address, and an IPv6
    /// network contains an IPv4 address only through its IPv4-mapped form (`::/0` contains everything).
    public func contains(_ address: IPAddress) -> Bool {
        Self.mask(address.bytes, bits: Self.maskBits(prefixLength, isIPv4: network.isIPv4)) == network.bytes
    }

    public var description: String { "\(network)/\(prefixLength)" }

    private static func maskBits(_ prefix: Int, isIPv4: Bool) -> Int {
        isIPv4 ? 96 + prefix : prefix
    }

    private static func mask(_ bytes: [UInt8], bits: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let keep = min(max(bits - index * 8, 0), 8)
            let mask: UInt8 = keep == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - keep))
            return byte & mask
        }
    }

    private static func trimmed(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(text.drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
