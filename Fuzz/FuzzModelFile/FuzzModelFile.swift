import Crypto
import DomainKit
import Foundation
import FuzzSupport
import Lines
import ModelStore

/// Any bytes as a model file, in three forms chosen by the first byte (mod 3):
/// 0 the bytes as they are (magic, lengths, digest all fuzzed);
/// 1 the bytes with their SHA-256 appended, so a mutation of a valid file gets past the digest check and
///   reaches the header, the section table and the codecs;
/// 2 the same layout with every section stored raw (`u16 name-length name u32 length bytes`): the harness
///   compresses and seals it, so mutations reach the sections' contents (tables, trees, projections).
/// A file that loads must then classify without trapping and answer only labels it has.
enum FuzzModelFile {
    static let suffixes = FuzzMain.need(PublicSuffixList.shared, "no public suffix list at \(PublicSuffixList.debianPath)")
    static let probes = ["example.com", "ads.doubleclick.net", "xn--bcher-kva.de", "a.b.c.d.e.co.uk", "x"].map(Domain.init(normalised:))

    static func testOneInput(_ input: UnsafeBufferPointer<UInt8>) {
        var options = FuzzBytes(input)
        let bytes: [UInt8]
        switch options.byte() % 3 {
        case 0: bytes = Array(options.rest)
        case 1: bytes = sealed(Array(options.rest))
        default:
            guard let packed = OpenModelFile.pack(options.rest) else { return }
            bytes = sealed(packed)
        }
        guard let file = try? ModelFile.decode(bytes), fitsTheFuzzer(file.header),
              let model = try? Model(file: file, path: "<fuzz>", suffixes: suffixes) else { return }
        let labels = model.classifier.labels.count
        for probe in probes {
            for score in model.classifier.classify(probe, k: 3) {
                precondition(score.label >= 0 && Int(score.label) < labels, "label \(score.label) of a \(labels)-label model")
            }
        }
    }

    /// A gbdt model's embedding table is allocated whole when it loads (a linear model's is mapped, and only
    /// the rows it has are touched), so a valid header asking for a big one would trip the fuzzer's memory
    /// limit. Tables the codec accepts (up to 2^31 floats) but over 2^24 are left out; past the codec's bound
    /// they go on, to be refused.
    static func fitsTheFuzzer(_ header: ModelHeader) -> Bool {
        guard header.kind == GBDTCodec.kind, case let .number(bits)? = header.parameters["bucketBits"],
              case let .number(dimension)? = header.parameters["dimension"] else { return true }
        let floats = exp2(bits) * dimension
        return !(floats > exp2(24) && floats <= exp2(31))
    }

    static func sealed(_ body: [UInt8]) -> [UInt8] {
        body + Array(SHA256.hash(data: body))
    }
}
