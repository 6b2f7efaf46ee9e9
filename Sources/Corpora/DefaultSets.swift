import DomainKit

/// The corpora of the two default models, built from what a fresh machine has: Debian's uBlock Origin
/// lists and the UT1 and v2fly corpora shipped in `corpora/`.
///
/// - `category`: what kind of name it is — `ads`, `tracking`, `badware` (uBlock's lists), UT1's categories
///   (renamed, some merged), v2fly's services whose business is one category (`v2flyCategories`), and
///   `none` for ordinary names no category list holds (v2fly's other services and the sites uBlock's
///   cosmetic rules name).
/// - `service`: which app or service (v2fly's labels), or `none` (names of the category lists whose
///   registrable domain no service list holds).
///
/// A name claimed by two categories says nothing reliable about either and is dropped; a big class is
/// sampled down to `cap` names (by hash, so the sample is the same on every machine) so that no class
/// drowns the others — UT1 alone has 130k `redirector` names.
package enum DefaultSets {
    package enum Set: String, CaseIterable, Sendable { case category, service }

    /// UT1 category → `category` label. Merged where UT1 splits what a network team would not
    /// (financial/bitcoin, audio-video/radio, download/filehosting); DDoS-for-hire services are badware;
    /// `cryptojacking` stays a label of its own (its 15k sites running miners look unlike uBlock's badware
    /// hosts and, merged, halved badware's recall); the French names get English ones.
    package static let ut1Categories: [String: String] = [
        "publicite": "ads", "cryptojacking": "cryptojacking", "ddos": "badware", "redirector": "proxy",
        "shopping": "shopping", "games": "games", "gambling": "gambling", "dating": "dating", "press": "news",
        "fakenews": "fakenews", "shortener": "shortener", "download": "download", "filehosting": "download",
        "audio-video": "streaming", "radio": "streaming", "doh": "doh", "sports": "sports",
        "dynamic-dns": "dynamic-dns", "bank": "bank", "financial": "finance", "bitcoin": "finance", "blog": "blog",
        "warez": "warez", "social_networks": "social", "manga": "manga", "celebrity": "celebrity",
        "drogue": "drugs", "jobsearch": "jobsearch", "webmail": "webmail", "agressif": "hate", "vpn": "vpn",
    ]
    /// v2fly service → `category` label, for the services whose business is plainly one category; the other
    /// services (brands, clouds, portals, certificate authorities) stay `none`. Without this, `none` taught
    /// the model that YouTube, HSBC and Reuters-like names are ordinary while UT1 taught the opposite.
    package static let v2flyCategories: [String: String] = [
        "alibaba-ads": "ads", "baidu-ads": "ads", "sina-ads": "ads", "tencent-ads": "ads", "youku-ads": "ads",
        "appledaily": "news", "bloomberg": "news", "cctv": "news", "epochmediagroup": "news", "fox": "news",
        "newscorp": "news", "rferl": "news", "sankei": "news", "voanews": "news",
        "bilibili": "streaming", "hulu": "streaming", "twitch": "streaming", "youtube": "streaming",
        "4399": "games", "ea": "games", "nintendo": "games", "riot": "games", "steam": "games", "tencent-games": "games",
        "facebook": "social", "instagram": "social", "pinterest": "social", "vk": "social", "misskey-universe": "social",
        "hsbc": "bank", "icbc": "bank", "mastercard": "bank", "visa": "bank", "paypal": "bank", "binance": "finance",
        "amazon": "shopping", "bestbuy": "shopping", "dewu": "shopping", "ebay": "shopping", "ikea": "shopping",
        "jd": "shopping", "miniso": "shopping",
        "blogspot": "blog", "z-library": "warez",
    ]
    package static let none = "none"
    /// Most names a class keeps (at most about a sixth of the category corpus).
    package static let defaultCap = 50_000

    /// `ublock`: (host, label) of uBlock's lists (`ads`, `tracking`, `badware`, `site`); `ut1`, `v2fly`: the
    /// shipped corpora.
    package static func build(_ set: Set, ublock: [(String, String)], ut1: LabelledCorpus, v2fly: LabelledCorpus,
                              suffixes: PublicSuffixList, cap: Int = defaultCap) -> [(String, String)] {
        switch set {
        case .category: category(ublock: ublock, ut1: ut1, v2fly: v2fly, cap: cap)
        case .service: service(ublock: ublock, ut1: ut1, v2fly: v2fly, suffixes: suffixes, cap: cap)
        }
    }

    static func category(ublock: [(String, String)], ut1: LabelledCorpus, v2fly: LabelledCorpus, cap: Int) -> [(String, String)] {
        var merge = LabelMerge()
        for (host, label) in ublock where label != DefaultCorpus.siteLabel { merge.add(host, label) }
        for (domain, label) in zip(ut1.domains, ut1.labels) {
            if let category = ut1Categories[label] { merge.add(ut1Name(domain.name), category) }
        }
        let labelled = merge.result().pairs
        let taken = Swift.Set(labelled.map(\.0))
        var ordinary = Swift.Set<String>()
        for (host, label) in ublock where label == DefaultCorpus.siteLabel && !taken.contains(host) { ordinary.insert(host) }
        var services = LabelMerge()
        for (domain, label) in zip(v2fly.domains, v2fly.labels) where !taken.contains(domain.name) {
            if let category = v2flyCategories[label] { services.add(domain.name, category) } else { ordinary.insert(domain.name) }
        }
        let fromServices = services.result().pairs
        ordinary.subtract(fromServices.map(\.0))
        return capped(labelled + fromServices + ordinary.map { ($0, none) }, cap: cap)
    }

    static func service(ublock: [(String, String)], ut1: LabelledCorpus, v2fly: LabelledCorpus, suffixes: PublicSuffixList,
                        cap: Int) -> [(String, String)] {
        var services = LabelMerge()
        for (domain, label) in zip(v2fly.domains, v2fly.labels) { services.add(domain.name, label) }
        let labelled = services.result().pairs
        // A name under a service's registrable domain may well be that service: not a clean `none`.
        let serviceSites = Swift.Set(labelled.map { suffixes.registrableDomain($0.0) ?? $0.0 })
        var others = Swift.Set<String>()
        for (host, _) in ublock where !serviceSites.contains(suffixes.registrableDomain(host) ?? host) { others.insert(host) }
        for name in ut1.domains.map({ ut1Name($0.name) }) where !serviceSites.contains(suffixes.registrableDomain(name) ?? name) {
            others.insert(name)
        }
        // `none` as big as all services together, twice over: most names a resolver sees are no listed service.
        return (capped(labelled, cap: cap) + capped(others.map { ($0, none) }, cap: 2 * labelled.count)).sorted { $0.0 < $1.0 }
    }

    /// UT1's snapshot has 4,798 cryptojacking names glued to a hosts-file `0.0.0.0` (`0.0.0.0coinhive.com`):
    /// the name is what follows it.
    static func ut1Name(_ name: String) -> String {
        let glued = "0.0.0.0"
        guard name.hasPrefix(glued), name.count > glued.count, !name.dropFirst(glued.count).hasPrefix(".") else { return name }
        return String(name.dropFirst(glued.count))
    }

    /// At most `cap` names per label, the same sample everywhere: the names with the smallest FNV-1a hashes.
    /// Sorted by name.
    static func capped(_ pairs: [(String, String)], cap: Int) -> [(String, String)] {
        var byLabel: [String: [(hash: UInt64, name: String)]] = [:]
        for (name, label) in pairs { byLabel[label, default: []].append((FNV1a64.hash(name), name)) }
        var out: [(String, String)] = []
        for (label, names) in byLabel {
            let kept = names.count > cap ? Array(names.sorted { $0.hash < $1.hash }.prefix(cap)) : names
            out += kept.map { ($0.name, label) }
        }
        return out.sorted { $0.0 < $1.0 }
    }
}
