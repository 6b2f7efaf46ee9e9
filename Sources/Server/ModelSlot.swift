import Foundation

/// The models currently served; the whole set is swapped atomically by reload.
final class ModelSlot: @unchecked Sendable {
    private var serving: ServingSet
    private let lock = NSLock()
    init(_ serving: ServingSet) { self.serving = serving }
    var current: ServingSet {
        get { lock.lock(); defer { lock.unlock() }; return serving }
        set { lock.lock(); serving = newValue; lock.unlock() }
    }
}
