import Foundation

/// Which requests a ``FaultProxy`` tampers with, and how: a method, a path pattern and which occurrences.
///
/// ```swift
/// // the first three GETs of any blob answer 502
/// FaultRule(method: "GET", path: "/blobs/sha256:", occurrences: 1...3, fault: .status(502))
/// ```
public struct FaultRule: Sendable {
    /// The HTTP method to match (`"PUT"`); nil matches any.
    public var method: String?
    /// A regular expression searched in the request URI (path and query), e.g. `/blobs/uploads/`.
    public var path: String
    /// Which of the matching requests (1-based, counted per rule) get the fault; nil: all of them.
    public var occurrences: ClosedRange<Int>?
    /// What to do to them.
    public var fault: ProxyFault

    /// Creates a rule.
    public init(method: String? = nil, path: String, occurrences: ClosedRange<Int>? = nil, fault: ProxyFault) {
        self.method = method
        self.path = path
        self.occurrences = occurrences
        self.fault = fault
    }

    /// True when a request with `method` and `uri` is of the kind this rule counts.
    func matches(method: String, uri: String) -> Bool {
        if let expected = self.method, expected.uppercased() != method.uppercased() { return false }
        return uri.range(of: path, options: .regularExpression) != nil
    }
}
