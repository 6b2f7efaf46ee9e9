import Foundation

/// RFC 5891-style conversion between a whole domain name's Unicode form and its ASCII
/// ("xn--") form, so that both spellings of a name become one lookup key.
///
/// Label policy (what makes `toASCII` answer nil):
/// - ASCII labels may hold `a-z 0-9 - _` after lower-casing (`_` for SRV/TXT names).
/// - Non-ASCII labels may hold letters, combining marks and decimal digits (IDNA2008's
///   PVALID core), the few CONTEXTJ/CONTEXTO scalars (ZWNJ, ZWJ, middle dot, Greek keraia,
///   Hebrew geresh/gershayim, katakana middle dot) and "other symbols" (emoji), because emoji
///   names are sold (.ws, .to) and show up in DNS traffic. Spaces, controls, format and
///   private-use scalars, unassigned code points, punctuation and math/currency symbols are refused.
/// - An "xn--" label must decode, contain a non-ASCII scalar, pass the same policy, be
///   lower-case and NFC already, and re-encode to exactly itself.
/// Empty labels and label/name lengths are left to the caller (RFC 1035 checks).
package enum IDNA {
    private static let acePrefix: [UInt8] = Array("xn--".utf8)
    private static let dot = UInt8(ascii: ".")

    /// Whole name → lower-case ASCII: maps widths and label separators (`normalised`), lower-cases,
    /// NFC-normalises, and punycodes each non-ASCII label as "xn--…".
    /// nil if a label cannot be converted (see the label policy above).
    package static func toASCII(_ name: String) -> String? {
        var name = name
        switch name.withUTF8(scanASCII) {
        case .clean: return name
        case .invalid: return nil
        case .needsLowering: return lowercasedASCII(name.utf8)
        case .hasACELabel: return validatingACELabels(lowercasedASCII(name.utf8))
        case .notASCII: break
        }
        let normalized = normalised(name.unicodeScalars)
        var output: [UInt8] = []
        output.reserveCapacity(normalized.utf8.count + 8)
        var first = true
        for label in normalized.unicodeScalars.split(separator: ".", omittingEmptySubsequences: false) {
            if !first { output.append(dot) }
            first = false
            if label.allSatisfy(\.isASCII) {
                let bytes = label.map { UInt8($0.value) }
                guard isValidASCIILabel(bytes[...]) else { return nil }
                output.append(contentsOf: bytes)
            } else {
                let scalars = Array(label)
                guard scalars.allSatisfy(isAllowedInULabel), let encoded = Punycode.encode(scalars) else { return nil }
                output.append(contentsOf: acePrefix)
                output.append(contentsOf: encoded.utf8)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes every valid "xn--" label; labels that do not decode stay as they are.
    package static func toUnicode(_ asciiName: String) -> String {
        var output = String.UnicodeScalarView()
        var first = true
        for label in asciiName.utf8.split(separator: dot, omittingEmptySubsequences: false) {
            if !first { output.append(".") }
            first = false
            if hasACEPrefix(label), let decoded = decodeALabel(lowercasedASCII(label.dropFirst(4))) {
                output.append(contentsOf: decoded)
            } else {
                output.append(contentsOf: Substring(label).unicodeScalars)
            }
        }
        return String(output)
    }

    // MARK: - Labels

    /// What an all-ASCII name needs; the common answer `.clean` lets `toASCII` return the
    /// name itself without allocating.
    private enum ASCIIScan { case clean, needsLowering, hasACELabel, invalid, notASCII }

    private static func scanASCII(_ name: UnsafeBufferPointer<UInt8>) -> ASCIIScan {
        // Branch-free accumulation: this runs for every name on the hot path.
        var allBits: UInt8 = 0
        var upper: UInt8 = 0
        var disallowed: UInt8 = 0
        for byte in name {
            allBits |= byte
            upper |= isUpperASCII(byte) ? 1 : 0
            disallowed |= isAllowedASCIIOrDot(byte) ? 0 : 1
        }
        if allBits >= 0x80 { return .notASCII }
        if disallowed != 0 { return .invalid }
        var hasACELabel = startsWithACEPrefix(name, at: 0)
        for index in name.indices where !hasACELabel && name[index] == dot {
            hasACELabel = startsWithACEPrefix(name, at: index + 1)
        }
        return hasACELabel ? .hasACELabel : upper != 0 ? .needsLowering : .clean
    }

    /// "xn--" in any case at `index`.
    @inline(__always)
    private static func startsWithACEPrefix(_ name: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        index + 4 <= name.count && name[index] | 0x20 == UInt8(ascii: "x") && name[index + 1] | 0x20 == UInt8(ascii: "n")
            && name[index + 2] == UInt8(ascii: "-") && name[index + 3] == UInt8(ascii: "-")
    }

    /// `A-Z a-z 0-9 - _ .` as two 64-bit masks, one test per byte on the hot path.
    @inline(__always)
    private static func isAllowedASCIIOrDot(_ byte: UInt8) -> Bool {
        let low: UInt64 = 1 << 0x2D | 1 << 0x2E | 0x3FF << 0x30
        let high: UInt64 = 0x3FF_FFFF << 1 | 1 << 31 | 0x3FF_FFFF << 33
        if byte < 64 { return (low >> UInt64(byte)) & 1 != 0 }
        return byte < 128 && (high >> UInt64(byte - 64)) & 1 != 0
    }

    /// The lower-case ASCII name when each of its "xn--" labels is a genuine A-label.
    private static func validatingACELabels(_ name: String) -> String? {
        let labels = name.utf8.split(separator: dot, omittingEmptySubsequences: false)
        return labels.allSatisfy({ !hasACEPrefix($0) || decodeALabel(String(Substring($0).dropFirst(4))) != nil })
            ? name : nil
    }

    /// A lower-case ASCII label: LDH plus `_`, and a genuine A-label when it carries the ACE prefix.
    private static func isValidASCIILabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard label.allSatisfy(isAllowedASCII) else { return false }
        guard hasACEPrefix(label) else { return true }
        return decodeALabel(String(decoding: label.dropFirst(4), as: UTF8.self)) != nil
    }

    /// The Unicode scalars of an A-label's punycode part, or nil when it is not the canonical
    /// encoding of an acceptable U-label (see the policy in the type's comment).
    private static func decodeALabel(_ punycode: String) -> [Unicode.Scalar]? {
        guard let decoded = Punycode.decode(punycode[...]),
              decoded.contains(where: { !$0.isASCII }),
              decoded.allSatisfy({ $0.isASCII ? isAllowedASCII(UInt8($0.value)) : isAllowedInULabel($0) })
        else { return nil }
        guard normalised(decoded).unicodeScalars.elementsEqual(decoded), Punycode.encode(decoded) == punycode else { return nil }
        return decoded
    }

    private static func hasACEPrefix<C: Collection>(_ label: C) -> Bool where C.Element == UInt8 {
        label.count >= 4 && zip(label.prefix(4), acePrefix).allSatisfy { (isUpperASCII($0) ? $0 | 0x20 : $0) == $1 }
    }

    private static func lowercasedASCII<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(unsafeUninitializedCapacity: bytes.count) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = isUpperASCII(byte) ? byte | 0x20 : byte }
            return bytes.count
        }
    }

    // MARK: - Scalars

    private static func isUpperASCII(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }

    private static func isAllowedASCII(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"):
            return true
        default:
            return false
        }
    }

    /// The UTS #46 mappings browsers apply before anything else, so that what they would look up is one key:
    /// fullwidth ASCII (U+FF01…U+FF5E, `ｅxample.com`) to ASCII, the full stops U+3002 U+FF0E U+FF61 to ".",
    /// then lower case and NFC. An A-label is genuine only when its U-label is left as it is.
    private static func normalised<S: Sequence<Unicode.Scalar>>(_ scalars: S) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in scalars {
            switch scalar.value {
            case 0x3002, 0xFF0E, 0xFF61: mapped.append(".")
            case 0xFF01...0xFF5E: mapped.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            default: mapped.append(scalar)
            }
        }
        return String(mapped).lowercased().precomposedStringWithCanonicalMapping
    }

    private static func isAllowedInULabel(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isAllowedASCII(UInt8(scalar.value)) }
        switch scalar.value {
        case 0x200C, 0x200D, 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB: return true
        default: break
        }
        switch scalar.properties.generalCategory {
        case .lowercaseLetter, .uppercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
