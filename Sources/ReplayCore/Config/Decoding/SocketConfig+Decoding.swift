extension SocketConfig {
    /// Reads `[socket]`.
    init(reading reader: ConfigTableReader) {
        self.init()
        path = reader.string("path", required: true, validate: ConfigValidation.socketPath) ?? path
        group = Self.readGroup(reader)
        maxHeaderSize = reader.size("max_header_size", in: (1 << 10)...(1 << 20)) ?? maxHeaderSize
        maxBodySize = reader.size("max_body_size", in: (1 << 10)...(64 << 20)) ?? maxBodySize
        readTimeout = reader.duration("read_timeout", in: .milliseconds(1)...(.seconds(3600))) ?? readTimeout
        headerTimeout = reader.duration("header_timeout", in: .milliseconds(1)...(.seconds(3600))) ?? headerTimeout
        idleTimeout = reader.duration("idle_timeout", in: .milliseconds(1)...(.seconds(86_400))) ?? idleTimeout
        maxConnections = reader.integer("max_connections", in: 1...65_536) ?? maxConnections
        maxConnectionsPerUID = reader.integer("max_connections_per_uid", in: 1...65_536) ?? maxConnectionsPerUID
        reader.finish()
    }

    /// `group = "replayd"`, `group = "1001"` or `group = 1001`.
    private static func readGroup(_ reader: ConfigTableReader) -> SocketGroup? {
        let maximumID = Int(UInt32.max - 1)
        if let value = reader.table["group"], value.integerValue != nil {
            return reader.integer("group", in: 0...maximumID).map { SocketGroup.id(UInt32($0)) }
        }
        guard let text = reader.string("group", validate: ConfigValidation.accountName) else { return nil }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .name(text)
        }
        guard let id = UInt32(text), Int(id) <= maximumID else {
            reader.reportInvalid("group", "gid \(text) is out of range (0 to \(maximumID))")
            return nil
        }
        return .id(id)
    }
}
