import Cache

/// How `classify --from` takes its names from a Redis Stream consumer group and where its answers go.
package struct ConsumeOptions: Sendable {
    package var source: StreamAddress
    package var group: String
    /// This process's consumer name; with several threads each is a consumer of its own, `NAME-1`, `NAME-2`, …
    package var consumer: String
    /// The answers' stream (on the same Redis, in the source's hash slot); nil: stdout.
    package var output: StreamAddress?
    /// `MAXLEN ~` for the output stream.
    package var outputMaxLength: Int?
    /// Entries per XREADGROUP (and per transaction).
    package var count = 32
    /// Entries pending this long at another consumer (one that died mid-batch) are claimed (XAUTOCLAIM).
    package var claimIdleMilliseconds: Int?
    /// Exit once nothing was read or claimed for this long and no entry of the group is pending; nil: run until stopped.
    package var stopWhenIdleMilliseconds: Int?

    package init(source: StreamAddress, group: String, consumer: String) {
        self.source = source
        self.group = group
        self.consumer = consumer
    }

    /// The name of consumer `index` of `threads`.
    func consumerName(_ index: Int, of threads: Int) -> String { threads == 1 ? consumer : "\(consumer)-\(index + 1)" }
}
