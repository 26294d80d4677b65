/// One `NAME=value` pair of an image's environment.
public struct EnvironmentVariable: Sendable, Hashable, Codable {
    /// The variable name.
    public var name: String
    /// Its value.
    public var value: String

    /// Creates a pair.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// `NAME=value`, as image configs store it.
    public var entry: String { "\(name)=\(value)" }
}
