extension SpecError {
    /// The class of problem, grouped by where it arises.
    public enum Kind: String, Sendable, Hashable {
        // MARK: Loading

        /// A spec file that cannot be used: every problem is in `diagnostics`, warnings in `warnings`.
        case invalidSpec

        // MARK: Model

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
        /// A `copy` entry that is absolute or climbs out of the working directory (flytekit fails at build time).
        case invalidCopyPath

        // MARK: Tag format

        /// A `PythonFormat.format` template CPython's `str.format` rejects (`pythonException` says how).
        case invalidFormatString
        /// The spec's `tag_format` cannot be applied (flytekit: `KeyError`/`ValueError`/`IndexError` from
        /// `str.format`).
        case invalidTagFormat

        // MARK: Files

        /// `source_root` does not exist or is not a directory.
        case notADirectory
        /// A file could not be opened or read while digesting (flytekit would raise `OSError` as well).
        case unreadableFile
        /// A FIFO or device would be read: flytekit would block or read forever; imagespec refuses.
        case specialFile
        /// A file name that is not valid UTF-8 would be hashed (flytekit raises `UnicodeEncodeError`).
        case undecodableName
        /// `.dockerignore` is not valid UTF-8 or holds a pattern Python's `re` rejects (flytekit raises too).
        case invalidIgnoreFile
        /// `git ls-files` printed output that is not UTF-8 (flytekit raises `UnicodeDecodeError`).
        case gitOutput
    }
}
