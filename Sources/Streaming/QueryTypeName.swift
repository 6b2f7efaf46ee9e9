/// One spelling of the query type in the output, whatever the log wrote: tshark and Zeek's `qtype`
/// column give numbers (`1`, `28`), dnsmasq `type=65` for types it has no name for; the others write names.
/// Numbers become those names (`A`, `AAAA`, `HTTPS`), or `TYPE65`-style (RFC 3597) when the type has none.
enum QueryTypeName {
    /// The name for a numeric `field` (`28`, `type=28`), nil when the field is not a number.
    static func name(_ field: UnsafeBufferPointer<UInt8>) -> String? {
        var digits = field[...]
        if digits.starts(with: "type=".utf8) { digits = digits.dropFirst(5) }
        guard !digits.isEmpty, digits.count <= 5, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let number = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return names[number] ?? "TYPE\(number)"
    }

    /// IANA's DNS RR types that queries name (data, meta and query types).
    private static let names: [Int: String] = [
        1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB",
        24: "SIG", 25: "KEY", 28: "AAAA", 29: "LOC", 33: "SRV", 35: "NAPTR", 36: "KX", 37: "CERT", 39: "DNAME",
        41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 49: "DHCID",
        50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA", 53: "SMIMEA", 55: "HIP", 59: "CDS", 60: "CDNSKEY", 61: "OPENPGPKEY",
        62: "CSYNC", 63: "ZONEMD", 64: "SVCB", 65: "HTTPS", 99: "SPF", 108: "EUI48", 109: "EUI64", 249: "TKEY",
        250: "TSIG", 251: "IXFR", 252: "AXFR", 255: "ANY", 256: "URI", 257: "CAA", 32768: "TA", 32769: "DLV",
    ]
}
