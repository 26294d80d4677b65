/// Facts about registry host names.
enum RegistryHost {
    /// The host part of `host[:port]` / `[v6]:port`, lowercased, without brackets.
    static func hostname(_ hostAndPort: String) -> String {
        let lowered = hostAndPort.lowercased()
        if lowered.hasPrefix("[") {
            let end = lowered.firstIndex(of: "]") ?? lowered.endIndex
            return String(lowered[lowered.index(after: lowered.startIndex)..<end])
        }
        // A bare IPv6 address has several colons and no port.
        if lowered.filter({ $0 == ":" }).count > 1 { return lowered }
        return String(lowered.prefix { $0 != ":" })
    }

    /// True for `localhost`, `127.0.0.0/8` and `::1`, with or without a port.
    static func isLoopback(_ hostAndPort: String) -> Bool {
        let host = hostname(hostAndPort)
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
            octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return false }
        let values = octets.compactMap { Int($0) }
        return values.count == 4 && values[0] == 127 && values.allSatisfy { $0 <= 255 }
    }
}
