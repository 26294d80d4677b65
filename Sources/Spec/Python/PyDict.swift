/// A Python `dict`: key/value pairs in insertion order (CPython dicts preserve insertion order, and `repr` shows
/// them in that order). Keys are unique under `PyValue`'s structural equality.
public struct PyDict: Hashable, Sendable {
    /// One key/value pair.
    public struct Entry: Hashable, Sendable {
        /// The key.
        public var key: PyValue
        /// The value.
        public var value: PyValue

        /// A pair.
        public init(key: PyValue, value: PyValue) {
            self.key = key
            self.value = value
        }
    }

    /// The pairs in insertion order.
    public private(set) var entries: [Entry]

    /// An empty dict.
    public init() { entries = [] }

    /// A dict from pairs in order; a repeated key keeps its first position and takes the last value.
    public init(_ pairs: [(key: PyValue, value: PyValue)]) {
        entries = []
        for pair in pairs { self[pair.key] = pair.value }
    }

    /// The number of pairs.
    public var count: Int { entries.count }

    /// The keys in insertion order.
    public var keys: [PyValue] { entries.map(\.key) }

    /// The value for `key`; setting a new key appends it, setting an existing key replaces the value in place,
    /// setting `nil` removes the pair (like `del d[key]`).
    public subscript(key: PyValue) -> PyValue? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append(Entry(key: key, value: newValue))
            }
        }
    }
}
