/// Token scopes of the docker token specification: `resourcetype:resourcename:action[,action]`.
enum TokenScope {
    /// `repository:<name>:pull` or `repository:<name>:pull,push`.
    static func repository(_ name: String, push: Bool = false) -> String {
        "repository:\(name):" + (push ? "pull,push" : "pull")
    }

    /// `current` with the actions of `additional` merged in: the same resource gains missing actions, a new
    /// resource is appended. Order is kept, so the most demanding scope stays first (some token servers only read
    /// the first `scope` parameter).
    static func merge(_ current: [String], _ additional: [String]) -> [String] {
        var result = current.compactMap(Parsed.init)
        for scope in additional {
            guard let parsed = Parsed(scope) else { continue }
            if let index = result.firstIndex(where: { $0.type == parsed.type && $0.name == parsed.name }) {
                for action in parsed.actions where !result[index].actions.contains(action) {
                    result[index].actions.append(action)
                }
            } else {
                result.append(parsed)
            }
        }
        return result.map(\.text)
    }

    /// A scope split into its parts. The resource name may itself contain `:` (a `host:port` prefix), so the type
    /// ends at the first colon and the actions start after the last one.
    private struct Parsed {
        let type: String
        let name: String
        var actions: [String]

        init?(_ scope: String) {
            guard let first = scope.firstIndex(of: ":"), let last = scope.lastIndex(of: ":"), first < last else {
                return nil
            }
            type = String(scope[..<first])
            name = String(scope[scope.index(after: first)..<last])
            actions = scope[scope.index(after: last)...].split(separator: ",").map(String.init)
        }

        var text: String { "\(type):\(name):\(actions.joined(separator: ","))" }
    }
}
