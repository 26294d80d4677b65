/// flytekit's `CopyFileDetection` enum (`flytekit/constants/__init__.py`): which source files an image gets.
public enum CopyFileDetection: Int, CaseIterable, Sendable, Hashable {
    /// Files of the Python modules the flytekit process imported from `source_root` (`--copy auto`).
    case loadedModules = 1
    /// Every file under `source_root`, minus ignored ones (`--copy all`).
    case all = 2
    /// No source files; the `source_root` string itself is hashed.
    case noCopy = 3

    /// The Python member name: `LOADED_MODULES`, `ALL`, `NO_COPY`.
    public var memberName: String {
        switch self {
        case .loadedModules: "LOADED_MODULES"
        case .all: "ALL"
        case .noCopy: "NO_COPY"
        }
    }

    /// The member called `name` (`"ALL"`), if any.
    public init?(memberName name: String) {
        guard let member = Self.allCases.first(where: { $0.memberName == name }) else {
            return nil
        }
        self = member
    }

    /// The member as a Python value (`<CopyFileDetection.ALL: 2>`).
    public var pyValue: PyValue {
        .enumMember(typeName: "CopyFileDetection", name: memberName, value: rawValue)
    }

    /// The member a Python value holds, if it is a `CopyFileDetection` member.
    public init?(_ value: PyValue) {
        guard case let .enumMember(typeName, name, number) = value, typeName == "CopyFileDetection",
            let member = Self(memberName: name), member.rawValue == number
        else {
            return nil
        }
        self = member
    }
}
