import Foundation

/// A filter list whose blocked hosts all get one label.
package struct LabelledSource: Sendable, Equatable {
    package var path: String
    package var label: String

    package init(path: String, label: String) {
        self.path = path
        self.label = label
    }
}

/// domcat's embedded default corpus: hosts labelled from the filter lists Debian
/// ships with uBlock Origin, so a fresh install can train without downloads.
package enum DefaultCorpus {
    /// Label of the sites cosmetic rules are written for.
    package static let siteLabel = "site"

    /// Where `webext-ublock-origin-firefox` installs uBlock Origin.
    package static let debianRoot =
        "/usr/share/mozilla/extensions/{ec8030f7-c20a-464f-9b0e-13a3a9e97384}/uBlock0@raymondhill.net"

    /// The lists inside Debian's `webext-ublock-origin-firefox` package: EasyList →
    /// `ads`, EasyPrivacy → `tracking`, uBO's badware list → `badware`; cosmetic
    /// sites come from all three.
    package static func debianSources(root: String = debianRoot) -> (lists: [LabelledSource], cosmeticFrom: [String]) {
        let assets = root + "/assets"
        let lists = [
            LabelledSource(path: assets + "/thirdparties/easylist/easylist.txt", label: "ads"),
            LabelledSource(path: assets + "/thirdparties/easylist/easyprivacy.txt", label: "tracking"),
            LabelledSource(path: assets + "/ublock/badware.min.txt", label: "badware"),
        ]
        return (lists, lists.map(\.path))
    }

    /// Reads the lists and merges their hosts. A host that ends up under two
    /// labels says nothing reliable about either, so it is dropped entirely.
    /// Returns (domain, label) pairs sorted by domain and how many hosts were dropped.
    package static func build(lists: [LabelledSource], cosmeticFrom: [String]) throws
        -> (pairs: [(String, String)], conflictsDropped: Int)
    {
        var parsed = [String: FilterListHosts]()
        func hosts(at path: String) throws -> FilterListHosts {
            if let known = parsed[path] { return known }
            let list = FilterList.parse(try String(contentsOfFile: path, encoding: .utf8))
            parsed[path] = list
            return list
        }

        var labelled = LabelMerge()
        for source in lists {
            for host in try hosts(at: source.path).blocked { labelled.add(host, source.label) }
        }
        for path in cosmeticFrom {
            for host in try hosts(at: path).cosmeticSites { labelled.add(host, siteLabel) }
        }
        return labelled.result()
    }

    /// The corpus as TSV: `domain<TAB>label` lines.
    package static func tsv(_ pairs: [(String, String)]) -> String {
        var out = ""
        out.reserveCapacity(pairs.count * 24)
        for (domain, label) in pairs {
            out += domain
            out += "\t"
            out += label
            out += "\n"
        }
        return out
    }
}

/// Collects (host, label) claims; a host claimed under two labels is a conflict.
struct LabelMerge {
    private var labels = [String: String]()
    private var conflicted = Set<String>()

    mutating func add(_ host: String, _ label: String) {
        guard !conflicted.contains(host) else { return }
        if let existing = labels[host] {
            if existing != label {
                labels[host] = nil
                conflicted.insert(host)
            }
        } else {
            labels[host] = label
        }
    }

    func result() -> (pairs: [(String, String)], conflictsDropped: Int) {
        (labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, conflicted.count)
    }
}
