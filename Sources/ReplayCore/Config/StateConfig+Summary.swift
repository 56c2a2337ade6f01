extension StateConfig {
    /// `[state]`'s rows for the config summary: `dir`, and for the PostgreSQL backend its keys and the URL's
    /// source, never the URL. (The default backend, SQLite, adds no row.)
    var summaryRows: [(String, String)] {
        var rows = [("dir", directory)]
        if let postgres {
            rows.append(("backend", backend.rawValue))
            rows.append(("url", "from \(postgres.urlSource) (not shown)"))
            rows.append(("sslmode", postgres.sslMode?.rawValue ?? "from the URL (default prefer)"))
            if let caFile = postgres.caFile { rows.append(("ca_file", caFile)) }
            rows.append(("max_connections", "\(postgres.maxConnections)"))
        }
        return rows
    }
}
