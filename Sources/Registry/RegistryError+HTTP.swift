import Foundation

extension RegistryError {
    /// An error for an unexpected HTTP answer.
    ///
    /// The body is decoded safely: `{"errors":[…]}` gives ``errors``; another JSON `message` or a text/HTML page
    /// gives a short quoted excerpt; garbage gives nothing. A HEAD answer has no body, which the message says.
    /// The message ends with a fix chosen from the status and the codes (e.g. "check credentials for HOST").
    ///
    /// - Parameters:
    ///   - method: `GET`, `HEAD`, `PUT` …
    ///   - url: the request URL; it is redacted here.
    ///   - status: the HTTP status code.
    ///   - body: the response body, if read (nil or empty for HEAD).
    ///   - hint: replaces the built-in fix when the caller knows better (e.g. "the token endpoint refused …").
    public static func http(
        method: String, url: String, status: Int, body: Data? = nil, hint: String? = nil
    ) -> RegistryError {
        let upperMethod = method.uppercased()
        let isHead = upperMethod == "HEAD"
        let errors = isHead ? [] : DistributionError.decodeList(from: body)
        let host = Self.host(ofURL: url) ?? "the registry"

        var what: String
        if !errors.isEmpty {
            what = errors.prefix(3).map { Redaction.oneLine($0.description) }.joined(separator: "; ")
            if errors.count > 3 { what += "; … (\(errors.count - 3) more)" }
        } else {
            what = reasonPhrase(status)
            if isHead {
                what += " (HEAD responses carry no error details)"
            } else if let excerpt = bodyExcerpt(body) {
                what += ": \"\(excerpt)\""
            }
        }
        let fix = hint ?? defaultHint(status: status, codes: errors.map(\.code), host: host, isHead: isHead)
        let message = fix.isEmpty ? what : "\(what) — \(fix)"
        let kind: Kind = (status == 401 || status == 403) ? .auth : .http
        return RegistryError(
            kind: kind, message: message, method: upperMethod, url: url, status: status, errors: errors)
    }

    /// The standard reason phrase of an HTTP status (`Not Found`), or `HTTP <status>`.
    public static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 407: "Proxy Authentication Required"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "HTTP \(status)"
        }
    }

    private static func defaultHint(status: Int, codes: [String], host: String, isHead: Bool) -> String {
        let codes = Set(codes)
        if codes.contains("NAME_UNKNOWN") {
            return "the repository does not exist on \(host) (check the name; Artifact Registry needs the "
                + "repository created first)"
        }
        if codes.contains("MANIFEST_UNKNOWN") { return "no such tag or digest in this repository" }
        if codes.contains("BLOB_UNKNOWN") { return "the blob is not in this repository" }
        if codes.contains("BLOB_UPLOAD_UNKNOWN") || codes.contains("BLOB_UPLOAD_INVALID") {
            return "the upload session expired or was cancelled; start the upload again"
        }
        if codes.contains("MANIFEST_BLOB_UNKNOWN") {
            return "a blob the manifest refers to is missing; push all layers and the config before the manifest"
        }
        if codes.contains("MANIFEST_INVALID") || codes.contains("TAG_INVALID") {
            return "\(host) rejected the manifest (media type or content not accepted)"
        }
        if codes.contains("DIGEST_INVALID") { return "the uploaded bytes do not match their digest" }
        if codes.contains("SIZE_INVALID") { return "the uploaded size does not match the declared size" }
        if codes.contains("NAME_INVALID") { return "\(host) does not accept this repository name" }
        if codes.contains("TOOMANYREQUESTS") || status == 429 {
            return "\(host) is rate limiting; wait and retry (logging in may raise the limit)"
        }
        if codes.contains("UNAUTHORIZED") || status == 401 {
            return "check credentials for \(host) (docker login / credential helper)"
        }
        if codes.contains("DENIED") || status == 403 {
            return "the credentials for \(host) are not allowed to do this; check repository permissions "
                + "(push access?) and that the repository exists"
        }
        if codes.contains("UNSUPPORTED") || status == 405 { return "\(host) does not support this operation" }
        switch status {
        case 404:
            return isHead ? "the tag, digest or repository does not exist" : "check the repository name and tag"
        case 407: return "the HTTP proxy needs credentials; check HTTPS_PROXY / HTTP_PROXY"
        case 408, 504: return "\(host) or a proxy timed out; retry later"
        case 413: return "the request is too large for \(host)"
        case 416: return "the upload offset is wrong; start the upload again"
        case 501: return "\(host) does not implement this API"
        case 500...599: return "\(host) failed on its side; retry later"
        default: return ""
        }
    }

    /// A short, single-line, redacted excerpt of a non-`errors[]` body: a JSON `message`, or the text with HTML
    /// tags removed. Nil for an empty, binary or JSON-without-message body.
    private static func bodyExcerpt(_ body: Data?) -> String? {
        guard let body, !body.isEmpty else { return nil }
        if let message = DistributionError.topLevelMessage(from: body) {
            return truncate(Redaction.oneLine(message))
        }
        // The cut may split a UTF-8 sequence: drop up to three trailing bytes before giving up on the text.
        let prefix = body.prefix(4096)
        guard let text = (0...3).lazy.compactMap({ String(data: prefix.dropLast($0), encoding: .utf8) }).first
        else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // JSON that is not an error body: nothing useful to show.
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return nil }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\r" && $0 != "\t" })
        else { return nil }
        let plain = Redaction.oneLine(stripTags(trimmed))
        return plain.isEmpty ? nil : truncate(plain)
    }

    private static func stripTags(_ text: String) -> String {
        var output = ""
        var inTag = false
        var skipping: String?  // inside <style> or <script>
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "<" {
                let rest = text[index...].prefix(10).lowercased()
                if let closing = skipping {
                    if rest.hasPrefix("</\(closing)") { skipping = nil }
                } else if rest.hasPrefix("<style") {
                    skipping = "style"
                } else if rest.hasPrefix("<script") {
                    skipping = "script"
                }
                inTag = true
                output.append(" ")
            } else if character == ">" {
                inTag = false
            } else if !inTag, skipping == nil {
                output.append(character)
            }
            index = text.index(after: index)
        }
        return output
    }

    private static func truncate(_ text: String, limit: Int = 200) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }
}
