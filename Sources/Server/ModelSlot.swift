import Foundation

/// The model currently served; swapped atomically by reload.
final class ModelSlot: @unchecked Sendable {
    private var serving: ServingModel
    private let lock = NSLock()
    init(_ serving: ServingModel) { self.serving = serving }
    var current: ServingModel {
        get { lock.lock(); defer { lock.unlock() }; return serving }
        set { lock.lock(); serving = newValue; lock.unlock() }
    }
}
