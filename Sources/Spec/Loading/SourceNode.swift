/// A value read from a YAML or JSON spec file, with where it was found, before it becomes a Python value.
struct SourceNode: Sendable {
    /// What the node holds.
    enum Content: Sendable {
        /// A scalar already typed as PyYAML / `json.loads` types it.
        case scalar(PyValue)
        /// A list.
        case sequence([SourceNode])
        /// A mapping, in file order, keys unique under Python equality.
        case mapping([Pair])
        /// A value that could not be read (the problem was already reported).
        case invalid
    }

    /// One mapping entry.
    struct Pair: Sendable {
        /// The key.
        var key: SourceNode
        /// The value.
        var value: SourceNode
    }

    /// What the node holds.
    var content: Content
    /// Where the node starts, when known.
    var location: SourceLocation?
    /// The text as written for a scalar (`3.10` for the float 3.1), when known.
    var sourceText: String?

    /// The Python value; `nil` if the node or anything inside it is invalid.
    var pyValue: PyValue? {
        switch content {
        case .scalar(let value):
            return value
        case .sequence(let items):
            var values: [PyValue] = []
            for item in items {
                guard let value = item.pyValue else {
                    return nil
                }
                values.append(value)
            }
            return .list(values)
        case .mapping(let pairs):
            var dict = PyDict()
            for pair in pairs {
                guard let key = pair.key.pyValue, let value = pair.value.pyValue else {
                    return nil
                }
                dict[key] = value
            }
            return .dict(dict)
        case .invalid:
            return nil
        }
    }

    /// A node without location from a Python value (lists and dicts become sequences and mappings).
    init(_ value: PyValue) {
        switch value {
        case .list(let items):
            content = .sequence(items.map(SourceNode.init))
        case .dict(let dict):
            content = .mapping(dict.entries.map { Pair(key: SourceNode($0.key), value: SourceNode($0.value)) })
        default:
            content = .scalar(value)
        }
        location = nil
        sourceText = nil
    }

    /// A node.
    init(content: Content, location: SourceLocation?, sourceText: String? = nil) {
        self.content = content
        self.location = location
        self.sourceText = sourceText
    }
}
