import Foundation

/// Reads just enough of a docker config file to say which entry serves a host (for ``GoogleCredentialSource``).
enum DockerConfigSource {
    static func lookup(host: String, configPath: String) -> GoogleCredentialSource? {
        guard let data = FileManager.default.contents(atPath: configPath),
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return nil }
        let wanted = host.lowercased()
        func matches(_ key: String) -> Bool {
            var text = Substring(key.lowercased())
            if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
            if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
            return text == wanted
        }
        if let helpers = object["credHelpers"] as? [String: String],
            let key = helpers.keys.sorted().first(where: matches), let name = helpers[key]
        {
            return .dockerCredentialHelper(name: name, configFile: configPath)
        }
        if let store = object["credsStore"] as? String, !store.isEmpty {
            return .dockerCredentialHelper(name: store, configFile: configPath)
        }
        if let auths = object["auths"] as? [String: Any], let key = auths.keys.sorted().first(where: matches) {
            let entry = auths[key] as? [String: Any]
            var username = entry?["username"] as? String
            if username == nil, let auth = entry?["auth"] as? String, let decoded = Data(base64Encoded: auth),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            {
                username = String(text[..<colon])
            }
            return .dockerConfigEntry(username: username, configFile: configPath)
        }
        return nil
    }
}
