/// The group that owns the socket file: a group name (looked up at startup) or a numeric gid.
public struct SocketGroup: Sendable, Hashable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case name(String)
        case id(UInt32)
    }
    private let base: Base

    private init(_ base: Base) { self.base = base }

    /// The group called `name`.
    public static func name(_ name: String) -> SocketGroup { SocketGroup(.name(name)) }

    /// The group with gid `id`.
    public static func id(_ id: UInt32) -> SocketGroup { SocketGroup(.id(id)) }

    /// The name, when the group was given by name.
    public var name: String? {
        if case .name(let name) = base { name } else { nil }
    }

    /// The gid, when the group was given by number.
    public var id: UInt32? {
        if case .id(let id) = base { id } else { nil }
    }

    /// The name, or `gid N`.
    public var description: String {
        switch base {
        case .name(let name): name
        case .id(let id): "gid \(id)"
        }
    }
}
