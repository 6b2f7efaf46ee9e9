import Dispatch
import Foundation
import Histogram
import NIOCore
import NIOPosix

package struct BenchConfig: Sendable {
    package var target: BenchTarget = .line
    /// TCP `host:port` or a Unix socket path (starting with `/`).
    package var address: String
    package var connections = 50
    /// Requests each connection keeps outstanding (closed loop).
    package var pipeline = 1
    /// Open loop: total requests per second, sent on schedule whatever the replies do. nil: closed loop.
    package var rate: Double?
    package var seconds = 10.0
    /// Replies in the first seconds are not recorded (caches fill, connections settle).
    package var warmupSeconds = 0.0
    package var keys: KeyDistribution = .unique
    package var threads = 1
    package var seed: UInt64 = 1
    package init(address: String) { self.address = address }
}

package struct BenchReport: Codable, Sendable {
    package var target: String
    package var mode: String
    package var connections: Int
    package var pipeline: Int
    package var targetRate: Double?
    package var seconds: Double
    package var requests: Int
    package var names: Int
    package var errors: Int
    package var requestsPerSecond: Double
    package var namesPerSecond: Double
    /// Microseconds; in open loop measured from each request's intended send time (coordinated omission corrected).
    package var p50: Double, p90: Double, p99: Double, p999: Double, max: Double

    package var text: String {
        var s = "\(target) \(mode), \(connections) connections, pipeline \(pipeline)"
        if let targetRate { s += String(format: ", target %.0f req/s", targetRate) }
        s += String(format: "\n%d requests (%d names, %d errors) in %.2f s: %.0f req/s, %.0f names/s\n", requests, names, errors, seconds, requestsPerSecond, namesPerSecond)
        s += String(format: "latency µs: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n", p50, p90, p99, p999, max)
        return s
    }
}

/// A load generator: N connections driven closed loop (pipeline depth outstanding each) or open loop at a
/// fixed rate with latency counted from when each request should have left, so a stalled server cannot hide
/// its stall by slowing the client down (coordinated omission). Latencies go into HdrHistograms.
package enum LoadGenerator {
    package static func run(_ config: BenchConfig) throws -> BenchReport {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, config.threads))
        defer { try? group.syncShutdownGracefully() }
        let zipf: ZipfTable?
        if case let .zipf(count, exponent) = config.keys { zipf = ZipfTable(count: count, exponent: exponent) } else { zipf = nil }
        let done = DispatchGroup()
        var drivers: [ConnectionDriver] = []
        var channels: [Channel] = []
        for i in 0..<max(1, config.connections) {
            let driver = ConnectionDriver(config: config, index: i, zipf: zipf, done: done)
            drivers.append(driver)
            done.enter()
            let bootstrap = ClientBootstrap(group: group)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { $0.pipeline.addHandler(driver) }
            do {
                if config.address.hasPrefix("/") {
                    channels.append(try bootstrap.connect(unixDomainSocketPath: config.address).wait())
                } else {
                    guard let colon = config.address.lastIndex(of: ":"), let port = Int(config.address[config.address.index(after: colon)...]) else {
                        throw BenchError("not host:port: \(config.address)")
                    }
                    channels.append(try bootstrap.connect(host: String(config.address[..<colon]), port: port).wait())
                }
            } catch let error as BenchError {
                throw error
            } catch {
                for c in channels { c.close(promise: nil) }
                throw BenchError("cannot connect to \(config.address): \(error)")
            }
        }
        // Every connection is up before the clock starts, so connecting is never measured.
        let clock = BenchClock(config: config, start: NIODeadline.now() + .milliseconds(50))
        if let rate = config.rate {
            // One schedule per event loop, over the connections that loop owns.
            var byLoop: [ObjectIdentifier: (loop: EventLoop, drivers: [ConnectionDriver])] = [:]
            for (channel, driver) in zip(channels, drivers) {
                byLoop[ObjectIdentifier(channel.eventLoop), default: (channel.eventLoop, [])].drivers.append(driver)
            }
            for (loop, members) in byLoop.values {
                OpenLoopSchedule(loop: loop, drivers: members, connections: drivers.count, rate: rate, clock: clock).begin()
            }
        } else {
            for (channel, driver) in zip(channels, drivers) {
                channel.eventLoop.execute { driver.beginClosedLoop(clock) }
            }
        }
        done.wait()
        for c in channels { try? c.close().wait() }
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var requests = 0, errors = 0
        for d in drivers {
            histogram.add(d.histogram)
            requests += d.recorded
            errors += d.framer.errors + d.failures
        }
        let namesPerRequest: Int
        if case let .http(batch) = config.target { namesPerRequest = max(1, batch) } else { namesPerRequest = 1 }
        let targetName: String
        switch config.target {
        case .line: targetName = "line \(config.address)"
        case .taggedLine: targetName = "tagged line \(config.address)"
        case let .http(batch): targetName = "http \(config.address) batch \(batch)"
        case .redis: targetName = "redis GET \(config.address)"
        }
        return BenchReport(
            target: targetName, mode: config.rate == nil ? "closed loop" : "open loop",
            connections: config.connections, pipeline: config.pipeline, targetRate: config.rate, seconds: config.seconds,
            requests: requests, names: requests * namesPerRequest, errors: errors,
            requestsPerSecond: Double(requests) / config.seconds,
            namesPerSecond: Double(requests * namesPerRequest) / config.seconds,
            p50: Double(histogram.valueAtPercentile(50)), p90: Double(histogram.valueAtPercentile(90)),
            p99: Double(histogram.valueAtPercentile(99)), p999: Double(histogram.valueAtPercentile(99.9)),
            max: Double(histogram.max))
    }
}
