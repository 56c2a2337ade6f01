/// Decides which address a request comes from when replayd sits behind reverse proxies.
///
/// Only a TCP peer inside one of the trusted networks may speak for someone else: for such a peer the client is
/// the right-most `X-Forwarded-For` entry that is not itself trusted (each trusted proxy appends the address it
/// saw, so everything left of that entry is the client's own claim and is ignored). If every entry is trusted,
/// the left-most one is the client. For any other peer, `X-Forwarded-For` is ignored and the client is the peer.
///
/// Entries may carry a port (`203.0.113.9:4711`, `[2001:db8::1]:4711`); it is dropped. If the entry chosen is
/// not an IP address (`unknown`, a host name, garbage), the client is the nearest trusted hop instead, so a
/// malformed header can never make up a throttling key.
public struct TrustedProxies: Sendable {
    /// The trusted networks.
    public var networks: [CIDR]

    /// Creates the rule from trusted networks; empty trusts nobody.
    public init(_ networks: [CIDR] = []) {
        self.networks = networks
    }

    /// `true` when `address` is inside a trusted network.
    public func isTrusted(_ address: IPAddress) -> Bool {
        networks.contains { $0.contains(address) }
    }

    /// The client address for a request from `peer` carrying these `X-Forwarded-For` field values (in header
    /// order; each may hold a comma-separated list). Canonical text form; a peer that is not an IP address
    /// (a Unix socket, say) is returned as given.
    public func clientAddress(peer: String, forwardedFor: [String]) -> String {
        guard let peerAddress = IPAddress(peer) else { return peer }
        guard isTrusted(peerAddress) else { return peerAddress.description }
        let entries = forwardedFor.flatMap { $0.split(separator: ",") }.map(Self.trimmed)
        var nearestTrusted = peerAddress
        for entry in entries.reversed() {
            guard let address = Self.parse(entry) else { return nearestTrusted.description }
            guard isTrusted(address) else { return address.description }
            nearestTrusted = address
        }
        return nearestTrusted.description
    }

    /// An address from an `X-Forwarded-For` entry, with any port removed.
    static func parse(_ entry: Substring) -> IPAddress? {
        if let address = IPAddress(entry) { return address }
        if entry.hasPrefix("["), let close = entry.firstIndex(of: "]") {
            let rest = entry[entry.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            return IPAddress(entry[entry.index(after: entry.startIndex)..<close])
        }
        let parts = entry.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2, !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber) {
            guard let address = IPAddress(parts[0]), address.isIPv4 else { return nil }
            return address
        }
        return nil
    }

    private static func trimmed(_ text: Substring) -> Substring {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return Substring(text.drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
