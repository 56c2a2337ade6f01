/// Filters for `GET /v1/runs`.
public struct RunListQuery: Sendable, Hashable {
    /// Only runs of this project.
    public var projectID: String?
    /// Only runs in this status.
    public var status: RunStatus?
    /// Only runs whose metadata has this key ...
    public var metadataKey: String?
    /// ... with this value. Strait requires `metadataKey` when this is set.
    public var metadataValue: String?
    /// The most runs to return.
    public var limit: Int?

    /// Creates a query.
    public init(
        projectID: String? = nil,
        status: RunStatus? = nil,
        metadataKey: String? = nil,
        metadataValue: String? = nil,
        limit: Int? = nil
    ) {
        self.projectID = projectID
        self.status = status
        self.metadataKey = metadataKey
        self.metadataValue = metadataValue
        self.limit = limit
    }

    /// The runs Strait created for a replay call that sent `X-Request-Id: requestID` (spec §4: the id is stored
    /// in run metadata as `_sentry_request_id`).
    public static func createdBy(requestID: String, projectID: String?) -> RunListQuery {
        RunListQuery(projectID: projectID, metadataKey: "_sentry_request_id", metadataValue: requestID)
    }

    /// `?a=b&...` with every value percent-encoded, or `""`.
    var queryString: String {
        var items: [(String, String)] = []
        if let projectID { items.append(("project_id", projectID)) }
        if let status { items.append(("status", status.rawValue)) }
        if let metadataKey { items.append(("metadata_key", metadataKey)) }
        if let metadataValue { items.append(("metadata_value", metadataValue)) }
        if let limit { items.append(("limit", String(limit))) }
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\($0.0)=\(PercentEncoding.queryValue($0.1))" }.joined(separator: "&")
    }
}
