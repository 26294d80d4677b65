/// Suggests the field a mistyped key was probably meant to be (`pakages` → `packages`).
enum FieldNameSuggester {
    /// The closest field name, if one is close enough to be a plausible typo.
    static func nearest(to key: String) -> ImageSpecField? {
        let normalized = key.lowercased().replacingDashes()
        if let exact = ImageSpecField(pythonName: normalized) {
            return exact
        }
        if let alias = aliases[normalized] {
            return alias
        }
        var best: (field: ImageSpecField, distance: Int)?
        for field in ImageSpecField.allCases {
            let distance = editDistance(Array(normalized.unicodeScalars), Array(field.pythonName.unicodeScalars))
            if best == nil || distance < best!.distance {
                best = (field, distance)
            }
        }
        guard let best, best.distance <= max(2, best.field.pythonName.count / 3) else {
            return nil
        }
        return best.field
    }

    /// Names people reach for from other tools.
    private static let aliases: [String: ImageSpecField] = [
        "image": .baseImage, "base": .baseImage, "from": .baseImage, "environment": .env, "pip": .packages,
        "python": .pythonVersion, "apt": .aptPackages, "tag": .tagFormat, "requirements_file": .requirements,
        "extra_index_url": .pipExtraIndexURL, "index_url": .pipIndex, "run": .commands,
    ]

    private static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(map { $0 == "-" ? "_" : $0 })
    }
}
