import ArgumentParser
import Cache
import Foundation
import Streaming

/// `classify --from`: take names from a Redis Stream consumer group instead of stdin or files.
struct ConsumeCLIOptions: ParsableArguments {
    @Option(help: "Read names from this Redis Stream as a consumer group member: redis://HOST:PORT/KEY or redis-cluster://H1:P1,H2:P2/KEY (a redis:// node of a cluster is found to be one), written by `domcat publish`.")
    var from: String?

    @Option(help: "With --from: the consumer group (created at the stream's first entry if missing).")
    var group: String?

    @Option(help: "With --from: this consumer's name (default: host-pid); with --threads N, NAME-1 … NAME-N.")
    var consumer: String?

    @Option(help: "With --from: write each answer with its source entry's id to this stream (fields src, a), acknowledging in the same transaction; on the --from server and in its hash slot (e.g. {dns}:in → {dns}:out). Default: stdout, as ID<TAB>answer.")
    var to: String?

    @Option(name: .customLong("to-maxlen"), help: "Keep the --to stream near this many entries (XADD MAXLEN ~).")
    var toMaxlen: Int?

    @Option(name: .customLong("batch"), help: "With --from: entries per read and per transaction (`publish` packs up to 64 names an entry).")
    var batch: Int = 32

    @Option(name: .customLong("claim-idle"), help: "With --from: take over entries pending this many milliseconds at another consumer (one that died), with XAUTOCLAIM.")
    var claimIdle: Int?

    @Option(name: .customLong("stop-when-idle"), help: "With --from: exit once nothing arrived for this many milliseconds and nothing of the group is pending (default: run until SIGINT/SIGTERM).")
    var stopWhenIdle: Int?

    @Option(help: ArgumentHelp("With --from: Prometheus text at http://HOST:PORT/metrics — the group's lag and pending entries (XINFO GROUPS, read at each scrape), this process's consumers' pending entries and its counts.", valueName: "host:port"))
    var metrics: String?

    func validate(inputs: [String], follow: String?, only: String?) throws {
        guard let from else {
            if group != nil || consumer != nil || to != nil || claimIdle != nil || stopWhenIdle != nil || toMaxlen != nil || metrics != nil {
                throw ValidationError("--group, --consumer, --to, --to-maxlen, --claim-idle, --stop-when-idle and --metrics go with --from")
            }
            return
        }
        guard let source = StreamAddress(url: from) else { throw ValidationError("--from: not redis://HOST:PORT/KEY or redis-cluster://H1:P1,…/KEY: \(from)") }
        if group == nil { throw ValidationError("--from needs --group") }
        if !inputs.isEmpty || follow != nil { throw ValidationError("give --from or -i/-f, not both") }
        // Every entry must get its answer line, or the answers could not be paired with the entries' ids.
        if only != nil { throw ValidationError("--only does not go with --from (every entry is answered)") }
        try Check.range(batch, 1...100_000, "--batch")
        if let claimIdle { try Check.range(claimIdle, 1...86_400_000, "--claim-idle") }
        if let stopWhenIdle { try Check.range(stopWhenIdle, 1...86_400_000, "--stop-when-idle") }
        if let toMaxlen { try Check.range(toMaxlen, 1...(1 << 40), "--to-maxlen") }
        if let to {
            guard let output = StreamAddress(url: to) else { throw ValidationError("--to: not redis://HOST:PORT/KEY or redis-cluster://H1:P1,…/KEY: \(to)") }
            // XADD and XACK share one MULTI/EXEC: one server, and (for Redis Cluster) one hash slot.
            if output.endpoint != source.endpoint { throw ValidationError("--to must be on the --from server (\(source.endpoint))") }
            if output.key == source.key { throw ValidationError("--to must be another stream than --from") }
            if HashSlot.of(output.key) != HashSlot.of(source.key) {
                throw ValidationError("--to \(output.key) and --from \(source.key) are in different hash slots; give both one hash tag, e.g. {dns}:in and {dns}:out")
            }
        }
    }

    /// nil without `--from`.
    func options() -> ConsumeOptions? {
        guard let from, let source = StreamAddress(url: from), let group else { return nil }
        var options = ConsumeOptions(source: source, group: group,
                                     consumer: consumer ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())")
        options.output = to.flatMap(StreamAddress.init(url:))
        options.outputMaxLength = toMaxlen
        options.count = batch
        options.claimIdleMilliseconds = claimIdle
        options.stopWhenIdleMilliseconds = stopWhenIdle
        return options
    }
}
