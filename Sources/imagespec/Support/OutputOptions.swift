import ArgumentParser

/// The `--json` flag: print one JSON object on standard output instead of text.
struct OutputOptions: ParsableArguments {
    /// Whether to print one JSON object instead of text.
    @Flag(name: .long, help: "Print one JSON object on standard output instead of text.")
    var json = false
}
