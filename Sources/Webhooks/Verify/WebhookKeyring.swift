/// The keys one webhook source may be signed with. Several keys let a secret be rotated without downtime: both are
/// listed while their validity windows overlap, and every active key is tried.
public struct WebhookKeyring: Sendable, Equatable, CustomStringConvertible {
    /// The keys, in the order they are tried. The first that verifies names the result.
    public var keys: [WebhookKey]

    /// A keyring of `keys`, tried in this order.
    public init(keys: [WebhookKey]) {
        self.keys = keys
    }

    /// The keys active at `unixSeconds` (see ``WebhookKey/isActive(at:)``), in keyring order.
    public func active(at unixSeconds: Int64) -> [WebhookKey] {
        keys.filter { $0.isActive(at: unixSeconds) }
    }

    /// The keys without their material.
    public var description: String {
        "WebhookKeyring(\(keys.map(\.description).joined(separator: ", ")))"
    }
}
