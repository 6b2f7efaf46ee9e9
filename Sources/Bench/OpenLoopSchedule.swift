import NIOCore

/// Open loop at a fixed total rate: request n is due at `start + n / rate` and goes out on connection
/// `n mod connections`, so the load is spread evenly in time instead of arriving in bursts. One schedule per
/// event loop drives the connections that loop owns; it wakes at the next due time (not on a coarse tick,
/// which would add its period to every measured latency) and sends everything due, one write per connection.
final class OpenLoopSchedule: @unchecked Sendable {
    private let loop: EventLoop
    private let drivers: [ConnectionDriver]
    private let connections: Int
    private let intervalNanos: Double
    private let clock: BenchClock

    init(loop: EventLoop, drivers: [ConnectionDriver], connections: Int, rate: Double, clock: BenchClock) {
        self.loop = loop
        self.drivers = drivers
        self.connections = max(1, connections)
        intervalNanos = 1e9 / max(rate, 1e-3)
        self.clock = clock
    }

    func begin() {
        loop.execute { [self] in
            for d in drivers { d.beginOpenLoop(clock) }
            loop.scheduleTask(deadline: clock.start) { [self] in tick() }
        }
    }

    /// When `driver`'s next request is due, in uptime nanoseconds.
    private func due(_ driver: ConnectionDriver) -> UInt64 {
        clock.start.uptimeNanoseconds + UInt64(Double(driver.sent * connections + driver.index) * intervalNanos)
    }

    private func tick() {
        let now = NIODeadline.now()
        let stop = clock.stopAt.uptimeNanoseconds
        var next = UInt64.max
        for d in drivers {
            var at = due(d)
            while at <= now.uptimeNanoseconds, at < stop {
                d.enqueue(scheduled: at)
                at = due(d)
            }
            d.flush()
            next = min(next, at)
        }
        if next >= stop {
            loop.scheduleTask(deadline: clock.stopAt) { [self] in for d in drivers { d.endOfSchedule() } }
        } else {
            loop.scheduleTask(deadline: .uptimeNanoseconds(next)) { [self] in tick() }
        }
    }
}
