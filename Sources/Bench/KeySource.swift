import DomainKit
import Foundation

/// Which names a load generator asks for.
package enum KeyDistribution: Sendable {
    /// Never the same name twice: every request misses every cache.
    case unique
    /// Zipf with exponent `s` over `count` names (rank 1 the most asked), as DNS traffic is.
    case zipf(count: Int, exponent: Double)
    /// The lines of a file (a replayed log), in order, each connection starting elsewhere.
    case replay([[UInt8]])

    package static func replay(path: String) throws -> KeyDistribution {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) }
        guard !lines.isEmpty else { throw BenchError("no lines in \(path)") }
        return .replay(lines)
    }
}

/// The cumulative distribution of a Zipf law, computed once and shared by every connection.
final class ZipfTable: Sendable {
    let cdf: [Double]
    init(count: Int, exponent: Double) {
        var cdf = [Double](repeating: 0, count: max(1, count))
        var sum = 0.0
        for k in 0..<cdf.count {
            sum += 1 / pow(Double(k + 1), exponent)
            cdf[k] = sum
        }
        for k in cdf.indices { cdf[k] /= sum }
        self.cdf = cdf
    }

    /// 0-based rank for a uniform `u` in [0, 1).
    func rank(_ u: Double) -> Int {
        var lo = 0, hi = cdf.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// One connection's stream of names, written straight into the request bytes.
struct KeyStream {
    private let distribution: KeyDistribution
    private let zipf: ZipfTable?
    private var random: SplitMix
    private var counter = 0
    private let connection: Int

    init(distribution: KeyDistribution, zipf: ZipfTable?, connection: Int, seed: UInt64) {
        self.distribution = distribution
        self.zipf = zipf
        self.connection = connection
        random = SplitMix(seed: seed &+ UInt64(connection) &* 0x9E37_79B9_7F4A_7C15)
        if case let .replay(lines) = distribution { counter = connection * 7919 % lines.count }
    }

    mutating func next(into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        switch distribution {
        case .unique:
            out.append(contentsOf: "u".utf8)
            appendDecimal(counter, to: &out)
            out.append(UInt8(ascii: "-"))
            appendDecimal(connection, to: &out)
            out.append(contentsOf: ".bench-unique.example".utf8)
            counter += 1
        case .zipf:
            let u = Double(random.next() >> 11) / Double(1 << 53)
            out.append(contentsOf: "z".utf8)
            appendDecimal(zipf!.rank(u), to: &out)
            out.append(contentsOf: ".bench-zipf.example".utf8)
        case let .replay(lines):
            out.append(contentsOf: lines[counter])
            counter = (counter + 1) % lines.count
        }
    }
}

func appendDecimal(_ value: Int, to out: inout [UInt8]) {
    if value >= 10 { appendDecimal(value / 10, to: &out) }
    out.append(UInt8(ascii: "0") + UInt8(value % 10))
}

package struct BenchError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
