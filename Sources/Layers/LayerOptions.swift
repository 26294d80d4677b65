import Foundation

/// Settings that, together with the entries, decide a layer's bytes.
public struct LayerOptions: Sendable, Hashable {
    /// How the tar stream is compressed (default gzip level 1).
    public var compression: LayerCompression
    /// The modification time of every entry, in seconds since the epoch (default 0).
    public var mtime: Int64

    /// Creates options; see ``sourceDateEpoch(environment:)`` for the usual `mtime`.
    public init(compression: LayerCompression = .gzip(), mtime: Int64 = 0) {
        self.compression = compression
        self.mtime = mtime
    }

    /// `SOURCE_DATE_EPOCH` from `environment` as whole seconds, or 0 when it is unset or empty.
    ///
    /// - Throws: ``LayerError`` when it is set but not a non-negative integer.
    public static func sourceDateEpoch(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(LayerError) -> Int64 {
        guard let text = environment["SOURCE_DATE_EPOCH"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return 0
        }
        guard let value = Int64(text), value >= 0 else {
            throw LayerError(
                .invalidOption, "SOURCE_DATE_EPOCH=\"\(text)\" is not a whole number of seconds >= 0; fix or unset it")
        }
        return value
    }

    /// Checks the compression level and mtime.
    ///
    /// - Throws: ``LayerError`` naming the bad option.
    public func validate() throws(LayerError) {
        try compression.validate()
        if mtime < 0 {
            throw LayerError(.invalidOption, "layer mtime \(mtime) is negative; use SOURCE_DATE_EPOCH >= 0")
        }
    }
}
