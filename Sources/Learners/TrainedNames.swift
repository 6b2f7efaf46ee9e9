import DomainKit

/// The names a model was trained on, each with its label. A classifier generalises from the parts of names
/// and does not give back every training name's label (a 16-number embedding cannot hold 300k names), yet
/// a user who trained `criteo.com` as `ads` expects `ads` for it: such a name is answered from here.
/// Names are kept as FNV-1a 64 hashes (10 bytes a name) in an open-addressing table; two different names
/// of one table share a hash with odds of about 1 in 2^64 / n².
package struct TrainedNames: Sendable {
    /// 0 marks an empty slot: a name whose hash is 0 is stored as 1.
    private var keys: [UInt64]
    private var values: [UInt16]
    package private(set) var count = 0

    /// Label indices must fit 16 bits: no model has 65,536 labels.
    package init(_ entries: some Sequence<(hash: UInt64, label: UInt16)>, capacity: Int = 0) {
        var slots = 16
        while slots < 2 * capacity { slots <<= 1 }
        keys = Array(repeating: 0, count: slots)
        values = Array(repeating: 0, count: slots)
        for (hash, label) in entries { insert(hash: hash, label: label) }
    }

    package static func hash(_ name: String) -> UInt64 { Swift.max(FNV1a64.hash(name), 1) }

    /// The label of a trained name; a later insert of the same name replaces the label.
    package mutating func insert(hash: UInt64, label: UInt16) {
        if 2 * (count + 1) > keys.count { grow() }
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while keys[i] != 0, keys[i] != hash { i = (i + 1) & mask }
        if keys[i] == 0 { count += 1 }
        keys[i] = Swift.max(hash, 1)
        values[i] = label
    }

    package func label(of name: String) -> Int32? { label(hash: Self.hash(name)) }

    /// The label of `name`, or else of its nearest trained parent no higher than its registrable name: the
    /// lists the names come from (UT1's squidGuard domains, uBlock's `||host^`, v2fly's `domain:`) each
    /// mean a listed name and every name under it. Returns the trained name's length too.
    package func match(_ name: String, suffixes: PublicSuffixList) -> (label: Int32, matchedLength: Int)? {
        if let label = label(of: name) { return (label, name.utf8.count) }
        guard let registrable = suffixes.split(name[...]).registrable, registrable.startIndex > name.startIndex else { return nil }
        let lowest = name.utf8.distance(from: name.startIndex, to: registrable.startIndex)
        var text = name
        return text.withUTF8 { bytes in
            for start in 1...lowest where bytes[start - 1] == UInt8(ascii: ".") {
                let hash = FNV1a64.hash(UnsafeBufferPointer(rebasing: bytes[start...]))
                if let label = label(hash: Swift.max(hash, 1)) { return (label, bytes.count - start) }
            }
            return nil
        }
    }

    package func label(hash: UInt64) -> Int32? {
        let mask = keys.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while keys[i] != 0 {
            if keys[i] == hash { return Int32(values[i]) }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Every (hash, label), ordered by hash: the same bytes for the same names on every machine.
    package var entries: [(hash: UInt64, label: UInt16)] {
        zip(keys, values).filter { $0.0 != 0 }.map { (hash: $0.0, label: $0.1) }.sorted { $0.hash < $1.hash }
    }

    private mutating func grow() {
        let old = zip(keys, values).filter { $0.0 != 0 }
        keys = Array(repeating: 0, count: Swift.max(16, keys.count * 2))
        values = Array(repeating: 0, count: keys.count)
        count = 0
        for (hash, label) in old { insert(hash: hash, label: label) }
    }
}

/// A model's classifier with its trained names in front: a trained name, or a name under one, gets the
/// trained label with p = 1 (the label its list gave it; `explain` names the trained name), every other
/// name the classifier's answer.
package final class TrainedNamesClassifier: DomainClassifier, @unchecked Sendable {
    package let learned: any DomainClassifier
    package let names: TrainedNames
    private let suffixes: PublicSuffixList

    package init(_ learned: any DomainClassifier, names: TrainedNames, suffixes: PublicSuffixList) {
        self.learned = learned
        self.names = names
        self.suffixes = suffixes
    }

    package var labels: [String] { learned.labels }
    package var calibration: Calibration {
        get { learned.calibration }
        set { learned.calibration = newValue }
    }

    package func classify(_ domain: Domain, k: Int, workspace: ClassifierWorkspace, into top: inout [LabelScore]) {
        if let (label, _) = names.match(domain.name, suffixes: suffixes) {
            answer(label, k: k, into: &top)
        } else {
            learned.classify(domain, k: k, workspace: workspace, into: &top)
        }
    }

    package func classifyEach(_ domains: [Domain], k: Int, workspace: ClassifierWorkspace, answer: (Int, [LabelScore]) -> Void) {
        var rest: [Domain] = [], restIndex: [Int] = []
        var top: [LabelScore] = []
        for (i, domain) in domains.enumerated() {
            if let (label, _) = names.match(domain.name, suffixes: suffixes) {
                self.answer(label, k: k, into: &top)
                answer(i, top)
            } else {
                rest.append(domain)
                restIndex.append(i)
            }
        }
        guard !rest.isEmpty else { return }
        learned.classifyEach(rest, k: k, workspace: workspace) { answer(restIndex[$0], $1) }
    }

    package func explain(_ domain: Domain, label: Int32) -> [TokenWeight] {
        if let (trained, length) = names.match(domain.name, suffixes: suffixes) {
            return trained == label ? [TokenWeight(token: "trained=" + String(decoding: domain.name.utf8.suffix(length), as: UTF8.self), weight: 1)] : []
        }
        return learned.explain(domain, label: label)
    }

    /// The trained label first with p = 1, then other labels with p = 0 to fill `k`.
    private func answer(_ label: Int32, k: Int, into top: inout [LabelScore]) {
        top.removeAll(keepingCapacity: true)
        top.append(LabelScore(label: label, probability: 1))
        var other: Int32 = 0
        while top.count < min(k, labels.count) {
            if other != label { top.append(LabelScore(label: other, probability: 0)) }
            other += 1
        }
    }
}
