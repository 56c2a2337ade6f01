/// A head check's verdict.
public enum HTTPHeadDecision<Admission: Sendable>: Sendable {
    /// Read the body, then hand the request to the responder with this admission.
    case admit(Admission)
    /// Answer now, without reading the body, and close the connection.
    case answer(HTTPServerResponse)
}
