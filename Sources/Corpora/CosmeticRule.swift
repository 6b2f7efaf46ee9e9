/// The sites a cosmetic rule is written for: `a.com,~b.com##sel`, `#@#`, `#?#`,
/// `##+js(...)`, `##^` and the AdGuard `#$#`/`#%#` forms. Someone wrote a rule for
/// each such site, so each is a real, visited website. Negated (`~b.com`),
/// wildcard (`google.*`) and regex entries name no single site and are left out;
/// a generic rule (`##sel`, `*##sel`) names none.
enum CosmeticRule {
    /// What follows the first `#` of each separator, longest first.
    private static let separatorTails: [[UInt8]] = [
        "@$?#", "@%#", "@$#", "@?#", "$?#", "%#", "$#", "?#", "@#", "#",
    ].map { Array($0.utf8) }

    /// nil when the line is not a cosmetic rule; otherwise its sites (maybe none).
    static func sites(_ line: UnsafeBufferPointer<UInt8>) -> [String]? {
        guard let hash = ByteSearch.firstIndex(of: UInt8(ascii: "#"), in: line) else { return nil }
        let tail = line[(hash + 1)...]
        guard separatorTails.contains(where: { tail.starts(with: $0) }) else { return nil }

        let domains = UnsafeBufferPointer(rebasing: line[..<hash])
        guard domains.allSatisfy(isDomainListByte) else { return nil }

        var sites = [String]()
        for entry in domains.split(separator: UInt8(ascii: ",")) {
            guard entry.first != UInt8(ascii: "~"), !entry.contains(UInt8(ascii: "*")) else { continue }
            if let host = HostName.normalised(UnsafeBufferPointer(rebasing: entry)) { sites.append(host) }
        }
        return sites
    }

    /// Bytes of a domain list; anything else (`/`, `|`, `^`, `$`, space) means the
    /// `#` belongs to a network rule's URL. Non-ASCII site names pass here and are
    /// then rejected by `HostName`, as this module does no IDNA.
    private static func isDomainListByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "~")
            || byte == UInt8(ascii: "*") || HostName.isWrittenHostByte(byte)
    }
}
