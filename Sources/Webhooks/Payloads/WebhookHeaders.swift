/// Case-insensitive lookups in a raw header list, as the door passes it: `[(name: String, value: String)]`.
enum WebhookHeaders {
    /// The first value of `name` (ASCII case-insensitive), trimmed of spaces and tabs; `nil` when absent.
    static func first(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        let wanted = name.lowercased()
        guard let value = headers.first(where: { $0.name.lowercased() == wanted })?.value else { return nil }
        return String(value.trimmingSpacesAndTabs())
    }

    /// The first non-empty value of `name`, checked to be a visible-ASCII token of at most `maxBytes` bytes
    /// (delivery ids and keys are logged and stored, so nothing else is let through).
    static func token(
        _ name: String,
        in headers: [(name: String, value: String)],
        maxBytes: Int = 256
    ) throws(WebhookPayloadError) -> String? {
        guard let value = first(name, in: headers), !value.isEmpty else { return nil }
        guard value.utf8.count <= maxBytes, value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalid(name, "must be at most \(maxBytes) visible ASCII characters")
        }
        return value
    }
}

extension String {
    fileprivate func trimmingSpacesAndTabs() -> Substring {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
