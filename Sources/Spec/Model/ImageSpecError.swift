/// Why an `ImageSpec` cannot be built or named: one line naming the field and the fix, plus the exception flytekit
/// raises in the same situation (so tests and the flytekit plugin can map one onto the other).
public struct ImageSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: String, Sendable, Hashable {
        /// A key that is not an `ImageSpec` field (flytekit: `TypeError`).
        case unknownField
        /// A value of a type the field cannot hold (flytekit: `AttributeError`/`TypeError`, or a later failure).
        case wrongType
        /// One of flytekit's list-of-strings fields holds something else (flytekit: `ValueError`).
        case notAListOfStrings
        /// `registry` fails flytekit's registry-name pattern (flytekit: `ValueError`).
        case invalidRegistry
        /// `pip_secret_mounts` is not a list of `(source, target)` pairs (flytekit: `ValueError`).
        case invalidPipSecretMounts
        /// `builder_options` is not a dict (flytekit: `ValueError`).
        case builderOptionsNotADict
        /// A value flytekit would accept but that cannot work (for example an unknown `source_copy_mode`).
        case invalidValue
        /// `source_copy_mode` needs `source_root` (flytekit: `ValueError` when the tag is computed).
        case sourceRootRequired
        /// A file the name depends on is missing (flytekit: `FileNotFoundError`).
        case fileNotFound
        /// A file or directory the name depends on cannot be read.
        case unreadable
        /// `tag_format` cannot be applied (flytekit: `KeyError`/`ValueError`/`IndexError` from `str.format`).
        case invalidTagFormat
        /// A `copy` entry that is absolute or climbs out of the working directory (flytekit fails at build time).
        case invalidCopyPath
    }

    /// The class of problem.
    public let kind: Kind
    /// The field at fault, if one is.
    public let field: ImageSpecField?
    /// One line a person can act on: what is wrong and how to fix it.
    public let message: String
    /// The exception class flytekit raises for the same input (`"ValueError"`), when it raises one.
    public let pythonExceptionType: String?
    /// The first line of flytekit's exception message, when it raises one.
    public let pythonMessage: String?

    /// Creates an error.
    public init(
        _ kind: Kind, field: ImageSpecField?, message: String, pythonExceptionType: String? = nil,
        pythonMessage: String? = nil
    ) {
        self.kind = kind
        self.field = field
        self.message = message
        self.pythonExceptionType = pythonExceptionType
        self.pythonMessage = pythonMessage
    }

    /// `field 'packages': <message>` (or just the message when no field is at fault).
    public var description: String {
        guard let field else {
            return message
        }
        return "field '\(field.pythonName)': \(message)"
    }
}
