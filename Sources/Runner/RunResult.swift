import Layers

/// What a successful run produced.
public struct RunResult: Sendable {
    /// The changes as layer entries with exact metadata; files point into the request's scratch directory, so the
    /// layer must be written before the caller removes it. Special files the layer cannot hold (fifos, sockets,
    /// devices other than whiteouts) are left out and listed in `layer.skipped`.
    public var layer: LayerSource
    /// The last lines (at most 20) of the command's combined standard output and error.
    public var outputTail: [String]
    /// Wall-clock seconds of the run, set-up included.
    public var seconds: Double
    /// Whether anything survived the exclusions; `false` means the layer is empty and can be left out.
    public var changed: Bool

    /// Creates a result.
    public init(layer: LayerSource, outputTail: [String], seconds: Double, changed: Bool) {
        self.layer = layer
        self.outputTail = outputTail
        self.seconds = seconds
        self.changed = changed
    }
}
