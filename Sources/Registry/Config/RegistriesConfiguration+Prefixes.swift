extension RegistriesConfiguration {
    /// The `prefix` of every `[[registry]]` entry (its `location` where no prefix is written), in file order: the
    /// names this configuration rewrites, mirrors or blocks. Wildcard prefixes keep their `*.`.
    public var prefixes: [String] {
        rules.map(\.prefix)
    }
}
