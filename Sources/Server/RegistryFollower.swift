import Cache
import Foundation
import Logging
import ModelStore
import Registry

/// `serve --registry DIR`: serves the registry's production version — or, while an experiment runs, its
/// control with its treatment — and follows it. The index is read every `pollInterval`; with `--redis`, an
/// announcement (`registry promote … --redis`) wakes the follower at once, and carries the state itself
/// for instances whose copy of the folder has the model files but not a readable index. A new state is
/// loaded off the serving path and swapped in whole; one that cannot be loaded (a file missing, or not the
/// one registered) leaves the old one serving and is tried again. The models served before the last switch
/// stay loaded, so a rollback swaps at once, and so does the newest registered version (`preloadLatest`),
/// the usual next promotion. Experiment tallies are added to the index every `flushInterval`, and when an
/// experiment ends.
package final class RegistryFollower: @unchecked Sendable {
    private let following: RegistryFollowing
    private let config: ServeConfig
    private var logger: Logger { config.logger }
    /// Nil when the index cannot be opened here: then only announcements say what to serve.
    private let registry: ModelRegistry?
    private weak var core: ServerCore?
    /// The state serving now, and the newest one announced on Redis.
    private var installed: ServingState
    private var announced: ServingState?
    /// The models served before the last switch, by digest: a rollback's, ready.
    private var standby: [String: Model] = [:]
    /// The newest registered version, loaded ahead of its promotion.
    private var candidate: Model?
    /// Experiments replaced since the last flush: workers may still count into them.
    private var retired: [LiveExperiment] = []
    /// The sequence of the last state that failed to load, so its error is logged once.
    private var failedSequence = -1
    private var subscriber: RedisSubscriber?
    private var announcementsFailing = false
    private let syncLock = NSLock()
    private let condition = NSCondition()
    private var woken = false
    private var stopped = false
    private let finished = DispatchSemaphore(value: 0)
    /// The models to start with (production, or the experiment's arms).
    let initial: ServingSet

    init(config: ServeConfig, following: RegistryFollowing) throws {
        self.config = config
        self.following = following
        let registry = try ModelRegistry(directory: following.directory)
        self.registry = registry
        let state = try registry.servingState()
        installed = state
        initial = try Self.load(state, config: config, following: following, old: nil)
    }

    /// Starts following: the poll thread, and the Redis subscription when there is a Redis.
    func start(core: ServerCore) {
        self.core = core
        let thread = Thread { [self] in
            loop()
            finished.signal()
        }
        thread.name = "domcat-registry"
        thread.start()
        guard let redis = config.redis else { return }
        subscriber = RedisSubscriber(endpoint: redis.endpoint, channel: following.channel, onMessage: { [weak self] text in
            guard let self, let state = ServingState(announcement: text) else { return }
            self.condition.lock()
            if state.sequence > self.announced?.sequence ?? -1 { self.announced = state }
            self.condition.unlock()
            self.wake()
        }, onConnect: { [weak self] in
            guard let self else { return }
            self.condition.lock(); self.announcementsFailing = false; self.condition.unlock()
            self.wake()
        }, onFailure: { [weak self] reason in
            guard let self else { return }
            self.condition.lock(); defer { self.condition.unlock() }
            // Once per outage, not once per retry.
            if !self.announcementsFailing {
                self.logger.warning("registry announcements: Redis \(redis.endpoint) unavailable (\(reason)); following the index only")
            }
            self.announcementsFailing = true
        })
        subscriber?.start()
    }

    /// Reads the registry now (SIGHUP, `/admin/reload`); the set served afterwards, or why the new state
    /// could not be loaded.
    func refresh() -> Result<ServingSet, Error> {
        do {
            try sync(force: true)
            return .success(core!.slot.current)
        } catch {
            return .failure(error)
        }
    }

    /// Stops following and writes the last tallies.
    func stop() {
        subscriber?.stop()
        condition.lock(); stopped = true; condition.broadcast(); condition.unlock()
        finished.wait()
        core?.slot.current.experiment?.retire()
        flush()
    }

    private func wake() {
        condition.lock(); woken = true; condition.signal(); condition.unlock()
    }

    private func loop() {
        var nextFlush = ContinuousClock.now + following.flushInterval
        while true {
            condition.lock()
            let deadline = Date(timeIntervalSinceNow: Self.seconds(following.pollInterval))
            while !woken, !stopped, condition.wait(until: deadline) {}
            woken = false
            let stop = stopped
            condition.unlock()
            if stop { return }
            do { try sync(force: false) } catch {}
            if following.preloadLatest { preloadLatest() }
            if ContinuousClock.now >= nextFlush {
                flush()
                nextFlush = ContinuousClock.now + following.flushInterval
            }
        }
    }

    /// Installs the newest state known (the index's or an announced one) when it serves something else.
    private func sync(force: Bool) throws {
        syncLock.lock(); defer { syncLock.unlock() }
        var newest: ServingState?
        do {
            newest = try registry?.servingState()
        } catch {
            if force { throw error }
        }
        condition.lock()
        if let announced, announced.sequence > newest?.sequence ?? -1 { newest = announced }
        condition.unlock()
        guard let state = newest, state.sequence > installed.sequence || force else { return }
        guard let core else { return }
        let old = core.slot.current
        guard Self.serves(state) != Self.serves(installed) || force else {
            installed = state  // an add, archive or gc: nothing served changes
            return
        }
        do {
            var ready = standby
            if let candidate { ready[candidate.digest] = candidate }
            let serving = try Self.load(state, config: config, following: following, old: old, standby: ready)
            if let experiment = old.experiment, experiment !== serving.experiment { retired.append(experiment) }
            core.install(serving)
            let kept = Set(Self.models(serving).map(\.digest))
            standby = Dictionary(Self.models(old).filter { !kept.contains($0.digest) }.map { ($0.digest, $0) }, uniquingKeysWith: { a, _ in a })
            if let c = candidate, kept.contains(c.digest) { candidate = nil }
            if Self.serves(state) != Self.serves(installed) {
                logger.notice("registry \(following.directory): now serving \(ServerCore.describe(serving)) (was \(ServerCore.describe(old)))")
            }
            installed = state
            core.metrics.reloadsOK.increment()
        } catch {
            if failedSequence != state.sequence || force {
                logger.error("registry \(following.directory): cannot serve its state \(state.sequence), still serving \(ServerCore.describe(old)): \(error)")
                core.metrics.reloadsFailed.increment()
            }
            failedSequence = state.sequence
            throw error
        }
    }

    /// Loads the newest registered version when nothing serves or holds it yet; a failure only means the
    /// promotion, if it comes, loads it then.
    private func preloadLatest() {
        syncLock.lock()  // the index's connection is used under this lock only
        guard let latest = try? registry?.latestRegistered() else { syncLock.unlock(); return }
        let held = Set((core.map { Self.models($0.slot.current) } ?? []).map(\.digest)).union(standby.keys).union([candidate?.digest].compactMap { $0 })
        syncLock.unlock()
        guard !held.contains(latest.digest) else { return }
        let path = ModelRegistry.file(of: latest.version, in: following.directory)
        guard let model = try? Model.load(path: path, suffixes: config.suffixes), model.digest == latest.digest else { return }
        syncLock.lock(); candidate = model; syncLock.unlock()
        logger.info("registry \(following.directory): \(latest.version) loaded ahead of its promotion")
    }

    /// Adds every experiment's tallies since the last flush to the index; kept for the next flush when the
    /// index cannot take them now.
    private func flush() {
        syncLock.lock(); defer { syncLock.unlock() }
        guard let registry, let core else { return }
        var experiments = retired
        retired = []
        if let live = core.slot.current.experiment { experiments.append(live) }
        for live in experiments {
            let tally = live.counters.take()
            do {
                try registry.addLive(live.experiment.id, tally)
            } catch {
                live.counters.restore(tally)
                if live !== core.slot.current.experiment { retired.append(live) }
                logger.warning("registry \(following.directory): experiment \(live.experiment.id) tallies not written yet: \(error)")
            }
        }
    }

    /// What a state serves: the versions of the first model and of an experiment's treatment.
    private static func serves(_ state: ServingState) -> [String?] {
        let experiment = state.experiment.flatMap { $0.running ? $0 : nil }
        return [experiment != nil ? state.control?.digest : state.production?.digest, experiment.map { "\($0.id)" }, state.treatment?.digest]
    }

    /// Every model a set serves: its models and an experiment's treatment.
    private static func models(_ serving: ServingSet) -> [Model] {
        serving.models.map(\.model) + [serving.experiment?.treatment.model].compactMap { $0 }
    }

    /// The set a state serves; models `old` or `standby` already have are reused, not read again.
    private static func load(_ state: ServingState, config: ServeConfig, following: RegistryFollowing, old: ServingSet?,
                             standby: [String: Model] = [:]) throws -> ServingSet {
        let running = state.experiment.flatMap { $0.running ? $0 : nil }
        guard let first = running != nil ? state.control : state.production else {
            throw RegistryError("\(following.directory) has no version in production: `domcat registry promote VERSION` first")
        }
        var known = standby
        for model in old.map(models) ?? [] { known[model.digest] = model }
        func model(_ version: ServingState.Version) throws -> Model {
            if let model = known[version.digest] { return model }
            let path = ModelRegistry.file(of: version.version, in: following.directory)
            let model = try Model.load(path: path, suffixes: config.suffixes)
            guard model.digest == version.digest else {
                throw RegistryError("\(path) has SHA-256 \(model.digest.prefix(12)), registered as \(version.digest.prefix(12)): the file was replaced")
            }
            return model
        }
        let served = try model(first)
        var plan: LiveExperiment.Plan?
        if let running, let treatment = state.treatment {
            plan = .init(experiment: running, treatment: try model(treatment), treatmentVersion: treatment.version,
                         shadowSample: following.shadowSample)
        }
        // The control keeps the production model's name, so replies keep their keys across a switch.
        return try ServingSet(models: [served], config: config, keeping: old, versions: [first.version], experiment: plan)
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
