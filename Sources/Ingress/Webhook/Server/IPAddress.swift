#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, held as 16 bytes: IPv4 addresses as IPv4-mapped IPv6 (`::ffff:a.b.c.d`), so an IPv4
/// peer on a dual-stack listener and the same address written as IPv4 are equal.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The 16 bytes, network order.
    public let bytes: [UInt8]

    private static let mappedPrefix: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]

    /// Parses `203.0.113.9`, `2001:db8::1`, `::ffff:203.0.113.9`, or a bracketed IPv6 address (`[2001:db8::1]`).
    /// Returns `nil` for anything else (host names, zone ids, ports).
    public init?(_ text: some StringProtocol) {
        var text = String(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        if !text.contains(":") {
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
            let value = withUnsafeBytes(of: &address) { Array($0) }
            self.bytes = Self.mappedPrefix + value
        } else {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            self.bytes = withUnsafeBytes(of: &address) { Array($0) }
        }
    }

    /// Creates an address from 4 (IPv4) or 16 (IPv6) bytes; `nil` for any other count.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: self.bytes = Self.mappedPrefix + bytes
        case 16: self.bytes = bytes
        default: return nil
        }
    }

    /// `true` for an IPv4 address (including one written in IPv4-mapped IPv6 form).
    public var isIPv4: Bool { Array(bytes[0..<12]) == Self.mappedPrefix }

    /// The canonical text form: dotted quad for IPv4, RFC 5952 for IPv6.
    public var description: String {
        if isIPv4 { return bytes[12...].map { String($0) }.joined(separator: ".") }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "::" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
