/// RFC 3492 Bootstring with the Punycode parameters: the ASCII form of one IDN label.
///
/// Basic (ASCII) code points are copied as they are (case kept), the rest are coded as
/// variable-length base-36 deltas written with lower-case digits. Arithmetic is done in
/// `UInt32` with overflow checks, as section 6.4 asks, so hostile input fails instead of trapping.
package enum Punycode {
    private static let base: UInt32 = 36
    private static let tMin: UInt32 = 1
    private static let tMax: UInt32 = 26
    private static let skew: UInt32 = 38
    private static let damp: UInt32 = 700
    private static let initialBias: UInt32 = 72
    private static let initialN: UInt32 = 0x80
    private static let delimiter = UInt8(ascii: "-")

    /// Encodes a label's Unicode scalars (without the "xn--" prefix). nil on overflow.
    package static func encode(_ scalars: [Unicode.Scalar]) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(scalars.count * 2 + 1)
        for scalar in scalars where scalar.value < initialN {
            output.append(UInt8(scalar.value))
        }
        let basicCount = UInt32(output.count)
        if basicCount > 0 { output.append(delimiter) }

        var n = initialN
        var delta: UInt32 = 0
        var bias = initialBias
        var handled = basicCount
        let total = UInt32(scalars.count)
        while handled < total {
            var next = UInt32.max
            for scalar in scalars where scalar.value >= n && scalar.value < next { next = scalar.value }
            guard let step = multiplyAdd(delta, next - n, handled + 1) else { return nil }
            delta = step
            n = next
            for scalar in scalars {
                if scalar.value < n {
                    guard delta < UInt32.max else { return nil }
                    delta += 1
                }
                guard scalar.value == n else { continue }
                var q = delta
                var k = base
                while true {
                    let t = threshold(k, bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, handled + 1, firstTime: handled == basicCount)
                delta = 0
                handled += 1
            }
            guard delta < UInt32.max, n < UInt32.max else { return nil }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes the part after "xn--"; nil when invalid.
    package static func decode(_ ascii: Substring) -> [Unicode.Scalar]? {
        let input = Array(ascii.utf8)
        var basicEnd = 0
        for (index, byte) in input.enumerated() where byte == delimiter { basicEnd = index }
        var output: [UInt32] = []
        output.reserveCapacity(input.count)
        for byte in input[..<basicEnd] {
            guard byte < 0x80 else { return nil }
            output.append(UInt32(byte))
        }

        var n = initialN
        var i: UInt32 = 0
        var bias = initialBias
        var position = basicEnd > 0 ? basicEnd + 1 : 0
        while position < input.count {
            let oldI = i
            var weight: UInt32 = 1
            var k = base
            while true {
                guard position < input.count, let value = digitValue(input[position]) else { return nil }
                position += 1
                guard let sum = multiplyAdd(i, value, weight) else { return nil }
                i = sum
                let t = threshold(k, bias)
                if value < t { break }
                let (product, overflow) = weight.multipliedReportingOverflow(by: base - t)
                guard !overflow else { return nil }
                weight = product
                k += base
            }
            let length = UInt32(output.count) + 1
            bias = adapt(i - oldI, length, firstTime: oldI == 0)
            let (nextN, overflow) = n.addingReportingOverflow(i / length)
            guard !overflow else { return nil }
            n = nextN
            i %= length
            output.insert(n, at: Int(i))
            i += 1
        }

        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(output.count)
        for value in output {
            guard let scalar = Unicode.Scalar(value) else { return nil }
            scalars.append(scalar)
        }
        return scalars
    }

    /// `accumulator + value * weight`, or nil when it does not fit in 32 bits.
    private static func multiplyAdd(_ accumulator: UInt32, _ value: UInt32, _ weight: UInt32) -> UInt32? {
        let (product, productOverflow) = value.multipliedReportingOverflow(by: weight)
        guard !productOverflow else { return nil }
        let (sum, sumOverflow) = accumulator.addingReportingOverflow(product)
        return sumOverflow ? nil : sum
    }

    private static func threshold(_ k: UInt32, _ bias: UInt32) -> UInt32 {
        if k <= bias { return tMin }
        if k >= bias + tMax { return tMax }
        return k - bias
    }

    /// Section 6.1: scales the bias so the next deltas get short encodings.
    private static func adapt(_ delta: UInt32, _ numPoints: UInt32, firstTime: Bool) -> UInt32 {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / numPoints
        var k: UInt32 = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digit(_ value: UInt32) -> UInt8 {
        value < 26 ? UInt8(ascii: "a") + UInt8(value) : UInt8(ascii: "0") + UInt8(value - 26)
    }

    private static func digitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(byte - UInt8(ascii: "a"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0")) + 26
        default: return nil
        }
    }
}
