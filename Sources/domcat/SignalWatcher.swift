import Dispatch
import Foundation

/// Runs `handler` on a background queue each time `signal` arrives (instead of the default action).
final class SignalWatcher {
    private let source: DispatchSourceSignal

    init(_ number: Int32, handler: @escaping () -> Void) {
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
    }

    func cancel() { source.cancel() }
}
