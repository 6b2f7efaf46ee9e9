import DomainKit

/// The draws a search space makes, on the search's seeded generator so a seed repeats its trials.
extension SplitMix {
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * Double(nextUnit()) }

    /// Spread evenly over orders of magnitude (learning rates, regularisation).
    mutating func logUniform(_ low: Double, _ high: Double) -> Double { exp(uniform(log(low), log(high))) }

    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(next() % UInt64(choices.count))] }

    mutating func chance(_ p: Double) -> Bool { Double(nextUnit()) < p }

    /// `value` times or divided by up to `factor`, for a step near a good choice.
    mutating func nudge(_ value: Double, by factor: Double) -> Double { value * exp(uniform(-log(factor), log(factor))) }
}

/// Values as logs and tables show them: two significant digits, so trials read `lr 0.72`, not `0.7193482`.
func rounded(_ value: Double) -> Double {
    guard value > 0 else { return value }
    let scale = pow(10, 1 - floor(log10(value)))
    return (value * scale).rounded() / scale
}

#if canImport(Glibc)
import Glibc
#endif
