/// Lines uBO reads as whole-host blocks outside ABP syntax: hosts-file entries
/// (`0.0.0.0 ads.example.com`, several hosts allowed, `#` comment after) and a
/// bare hostname on its own line.
enum HostsFileLine {
    /// Addresses that hosts-file blocklists point blocked names at.
    private static let sinkAddresses: Set<String> = ["0.0.0.0", "127.0.0.1", "::", "::1", "0"]
    private static let localNames: Set<String> = ["localhost.localdomain", "local.localdomain"]

    /// A bare line `foo.js` is a file name in an ABP list, not a host; these
    /// endings are file types and no TLD.
    private static let fileExtensions: Set<String> = [
        "js", "css", "gif", "png", "jpg", "jpeg", "svg", "webp", "ico", "swf", "php",
        "html", "htm", "asp", "aspx", "jsp", "cgi", "json", "xml", "txt", "mjs", "wasm",
    ]

    /// Hosts of a hosts-file line, or nil when the line is not one.
    static func hosts(_ line: UnsafeBufferPointer<UInt8>) -> [String]? {
        let content = line.prefix { $0 != UInt8(ascii: "#") }
        let fields = content.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        guard fields.count >= 2,
              sinkAddresses.contains(String(decoding: fields[0], as: UTF8.self)) else { return nil }
        return fields.dropFirst().compactMap { field in
            guard let host = HostName.normalised(UnsafeBufferPointer(rebasing: field)),
                  !localNames.contains(host) else { return nil }
            return host
        }
    }

    /// The host of a line holding one hostname and nothing else, or nil.
    static func bareHost(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        guard let first = line.first,
              HostName.isHostByte(HostName.lowerCased(first)),
              first != UInt8(ascii: "-"), first != UInt8(ascii: "_"),
              line.allSatisfy(HostName.isWrittenHostByte),
              let host = HostName.normalised(line) else { return nil }
        let topLevel = host.split(separator: ".").last.map(String.init) ?? ""
        return fileExtensions.contains(topLevel) ? nil : host
    }
}
