import NIOCore

/// Jobs created while one event loop handles a round of readable sockets, handed to the workers together
/// once the round is over: one wake-up of a worker for many connections' requests, not one per request.
final class LoopOutbox: @unchecked Sendable {
    private let eventLoop: EventLoop
    private let pool: WorkerPool
    private var jobs: [ClassifyJob] = []

    init(eventLoop: EventLoop, pool: WorkerPool) {
        self.eventLoop = eventLoop
        self.pool = pool
    }

    /// Call on the event loop. Tasks queued from the loop run after its current round of I/O events.
    func send(_ job: ClassifyJob) {
        jobs.append(job)
        guard jobs.count == 1 else { return }
        eventLoop.execute { [self] in
            pool.submit(jobs)
            jobs.removeAll(keepingCapacity: true)
        }
    }
}
