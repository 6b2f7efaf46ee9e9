import Dispatch

/// A moment at which training stops, checked between examples (linear) and between rounds (gbdt): a time
/// budget (`domcat tune`) is kept by cutting a run short, not by hoping it ends in time.
package struct Deadline: Sendable, Equatable {
    package let uptimeNanoseconds: UInt64

    package init(uptimeNanoseconds: UInt64) { self.uptimeNanoseconds = uptimeNanoseconds }
    package init(secondsFromNow seconds: Double) {
        self.init(uptimeNanoseconds: DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, seconds) * 1e9))
    }

    package var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= uptimeNanoseconds }
    package var secondsLeft: Double {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= uptimeNanoseconds ? 0 : Double(uptimeNanoseconds - now) / 1e9
    }

    /// The earlier of the two.
    package func capped(at other: Deadline) -> Deadline { uptimeNanoseconds <= other.uptimeNanoseconds ? self : other }
}
