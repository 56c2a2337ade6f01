/// A connection's peer as a door identified it.
public struct HTTPPeer<Identity: Sendable>: Sendable {
    /// What the door knows about the peer.
    public var identity: Identity
    /// The key the per-client connection cap counts under (the same client gets the same key), or `nil` for a
    /// peer that speaks for many clients, such as a trusted reverse proxy: it counts under the total cap only.
    public var clientKey: String?

    /// Creates a peer.
    public init(identity: Identity, clientKey: String?) {
        self.identity = identity
        self.clientKey = clientKey
    }
}
