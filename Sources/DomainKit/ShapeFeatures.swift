import Foundation

/// Numbers about a name's form rather than its words: generated (DGA-like) names, CDN hosts and
/// tracking subdomains differ in shape even when their tokens are unseen.
package enum ShapeFeatures {
    package static let names = [
        "length", "labels", "digit_ratio", "entropy", "longest_label", "hyphens",
        "vowel_ratio", "max_consonant_run", "subdomain_length", "suffix_labels", "underscores", "hex_ratio",
    ]
    package static var count: Int { names.count }

    /// Writes `count` values for a lower-case ASCII name.
    package static func compute(_ bytes: UnsafeBufferPointer<UInt8>, suffixLabels: Int, into out: UnsafeMutableBufferPointer<Float>) {
        var digits = 0, hyphens = 0, vowels = 0, letters = 0, underscores = 0, hex = 0
        var labels = 1, labelLength = 0, longest = 0, consonantRun = 0, maxConsonantRun = 0
        var histogram = [Int](repeating: 0, count: 64)
        for b in bytes {
            histogram[Int(b & 63)] += 1
            switch b {
            case UInt8(ascii: "."):
                labels += 1; labelLength = 0; consonantRun = 0
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1; hex += 1; consonantRun = 0
            case UInt8(ascii: "-"): hyphens += 1; consonantRun = 0
            case UInt8(ascii: "_"): underscores += 1; consonantRun = 0
            case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"):
                vowels += 1; letters += 1; consonantRun = 0
                if b == UInt8(ascii: "a") || b == UInt8(ascii: "e") { hex += 1 }
            default:
                letters += 1; consonantRun += 1
                if b >= UInt8(ascii: "b") && b <= UInt8(ascii: "f") { hex += 1 }
            }
            labelLength += 1
            longest = max(longest, labelLength)
            maxConsonantRun = max(maxConsonantRun, consonantRun)
        }
        let n = Float(max(bytes.count, 1))
        var entropy: Float = 0
        for c in histogram where c > 0 {
            let p = Float(c) / n
            entropy -= p * log2(p)
        }
        // Characters left of the registrable name and its suffix.
        var dotsSeen = 0, subdomainLength = 0
        for (i, b) in bytes.enumerated().reversed() where b == UInt8(ascii: ".") {
            dotsSeen += 1
            if dotsSeen == suffixLabels + 1 { subdomainLength = i; break }
        }
        let values: [Float] = [
            Float(bytes.count), Float(labels), Float(digits) / n, entropy, Float(longest), Float(hyphens),
            Float(vowels) / Float(max(letters, 1)), Float(maxConsonantRun), Float(subdomainLength),
            Float(suffixLabels), Float(underscores), Float(hex) / n,
        ]
        for (i, v) in values.enumerated() where i < out.count { out[i] = v }
    }
}
