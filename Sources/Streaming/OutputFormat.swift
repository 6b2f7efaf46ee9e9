import DomainKit
import Learners
import Lines

package enum OutputFormat: String, CaseIterable, Sendable {
    /// `[timestamp client qtype] name label p` — the log fields only when the input format has them.
    case tsv
    /// One JSON object per line with every field and the top-k.
    case jsonl
    /// The original line with ` label=… p=…` appended.
    case annotate
}

/// One model's answer to a name: its top-k, and (`--explain`) the tokens that weighed most.
package struct ModelAnswer {
    package var top: ArraySlice<LabelScore>
    package var why: [TokenWeight]
    package init(top: ArraySlice<LabelScore>, why: [TokenWeight] = []) { self.top = top; self.why = why }
}

/// What became of one input line.
package enum LineOutcome {
    /// The first model's answer inline (one model is the common case and costs no array), the other models'
    /// in `more`, in the order the models were given.
    case classified(name: String, top: ArraySlice<LabelScore>, why: [TokenWeight] = [], more: [ModelAnswer] = [])
    /// A name extracted and normalised, not classified (`domcat extract`).
    case name(String)
    case ipAddress(String)
    /// A name no model should label: `!local`, `!reverse`, `!nosuffix`.
    case special(String, SpecialName)
    /// A query for the root zone (`.`): printed as the name `.` with the label `!root`.
    case root
    case error(String)
    case noQuery
}

/// Renders outcomes as bytes into a reusable buffer; labels are pre-encoded once. With one model a line is
/// `name label p`; with several, each model adds its `label p` columns (TSV), its object under its name
/// (JSONL) or its `name=label name_p=p` pair (annotate).
package struct AnswerFormatter: Sendable {
    package let format: OutputFormat
    package let includeLogFields: Bool
    private let models: [EncodedModel]

    /// One model's name and labels, encoded for each format.
    private struct EncodedModel: Sendable {
        let name: String
        let labelBytes: EncodedLabels
        let labelJSON: EncodedLabels
        /// Answers whose top probability is below this say `unknown` instead of their label.
        let minProbability: Float
        /// `,"version":"…"` of JSON answers (a model served from a registry), else empty.
        let versionJSON: [UInt8]
    }

    package init(format: OutputFormat, labels: [String], includeLogFields: Bool, minProbability: Float = 0) {
        self.init(format: format, models: [("", labels, minProbability)], includeLogFields: includeLogFields)
    }

    /// `models`: each model's name, labels and `unknown` threshold, in output order; `versions`: each one's
    /// registry version, said in its JSON answers (nil or absent: not said).
    package init(format: OutputFormat, models: [(name: String, labels: [String], minProbability: Float)], includeLogFields: Bool,
                 versions: [String?] = []) {
        self.format = format
        self.includeLogFields = includeLogFields
        self.models = models.enumerated().map { i, model in
            let version = i < versions.count ? versions[i] : nil
            return EncodedModel(name: model.name, labelBytes: EncodedLabels(model.labels.map { Array($0.utf8) }),
                                labelJSON: EncodedLabels(model.labels.map { Array(jsonString($0).utf8) }), minProbability: model.minProbability,
                                versionJSON: version.map { Array(",\"version\":\(jsonString($0))".utf8) } ?? [])
        }
    }

    /// Appends one output line (with its newline) for `line`.
    package func append(_ outcome: LineOutcome, line: UnsafeBufferPointer<UInt8>, record: LogRecord?, to out: inout [UInt8]) {
        switch format {
        case .tsv: appendTSV(outcome, line: line, record: record, to: &out)
        case .jsonl: appendJSON(outcome, line: line, record: record, to: &out)
        case .annotate: appendAnnotated(outcome, line: line, to: &out)
        }
        out.append(0x0A)
    }

    /// Calls `body` with each model's index and answer, the first one's inline.
    @inline(__always)
    private func forEachAnswer(_ top: ArraySlice<LabelScore>, _ why: [TokenWeight], _ more: [ModelAnswer],
                               _ body: (Int, ArraySlice<LabelScore>, [TokenWeight]) -> Void) {
        body(0, top, why)
        for (i, answer) in more.enumerated() { body(i + 1, answer.top, answer.why) }
    }

    private func appendTSV(_ outcome: LineOutcome, line: UnsafeBufferPointer<UInt8>, record: LogRecord?, to out: inout [UInt8]) {
        if includeLogFields {
            for (key, field) in [("ts", record?.timestamp), ("client", record?.client), ("qtype", record?.qtype)] {
                if let field {
                    let raw = UnsafeBufferPointer(rebasing: line[field])
                    if key == "qtype", let name = QueryTypeName.name(raw) { out.append(contentsOf: name.utf8) } else { appendSanitised(raw, to: &out) }
                } else {
                    out.append(UInt8(ascii: "-"))
                }
                out.append(0x09)
            }
        }
        switch outcome {
        case let .classified(name, top, why, more):
            out.append(contentsOf: name.utf8)
            forEachAnswer(top, why, more) { m, top, why in
                out.append(0x09)
                appendBestLabel(top.first!, model: m, json: false, to: &out)
                out.append(0x09)
                appendProbability(top.first!.probability, to: &out)
                guard !why.isEmpty else { return }
                out.append(0x09)
                for (i, w) in why.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    var token = w.token
                    token.withUTF8 { appendSanitised($0, to: &out) }
                    out.append(UInt8(ascii: ":"))
                    appendProbability(w.weight, to: &out)
                }
            }
        case let .name(name):
            out.append(contentsOf: name.utf8)
        case let .ipAddress(ip):
            out.append(contentsOf: ip.utf8)
            out.append(contentsOf: "\t!ip\t-".utf8)
        case let .special(name, kind):
            out.append(contentsOf: "\(name)\t!\(kind.rawValue)\t-".utf8)
        case .root:
            out.append(contentsOf: ".\t!root\t-".utf8)
        case let .error(reason):
            appendSanitised(line, to: &out)
            out.append(contentsOf: "\t!error\t".utf8)
            out.append(contentsOf: reason.utf8)
        case .noQuery:
            appendSanitised(line, to: &out)
            out.append(contentsOf: "\t!noquery\t-".utf8)
        }
    }

    private func appendJSON(_ outcome: LineOutcome, line: UnsafeBufferPointer<UInt8>, record: LogRecord?, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if let record {
            for (key, field) in [("ts", record.timestamp), ("client", record.client), ("qtype", record.qtype)] {
                guard let field else { continue }
                out.append(contentsOf: "\"\(key)\":".utf8)
                let raw = UnsafeBufferPointer(rebasing: line[field])
                if key == "qtype", let name = QueryTypeName.name(raw) { out.append(contentsOf: "\"\(name)\"".utf8) } else { appendJSONString(raw, to: &out) }
                out.append(UInt8(ascii: ","))
            }
        }
        switch outcome {
        case let .classified(name, top, why, more):
            out.append(contentsOf: "\"name\":\"".utf8)
            out.append(contentsOf: name.utf8)
            out.append(UInt8(ascii: "\""))
            forEachAnswer(top, why, more) { m, top, why in
                out.append(UInt8(ascii: ","))
                // One model: its fields at the top level; several: one object per model, under its name.
                if models.count > 1 { out.append(contentsOf: "\(jsonString(models[m].name)):{".utf8) }
                appendJSONAnswer(top, why, model: m, to: &out)
                if models.count > 1 { out.append(UInt8(ascii: "}")) }
            }
            out.append(UInt8(ascii: "}"))
        case let .name(name):
            out.append(contentsOf: "\"name\":\"\(name)\"}".utf8)
        case let .ipAddress(ip):
            out.append(contentsOf: "\"name\":\"\(ip)\",\"error\":\"ip address\"}".utf8)
        case let .special(name, kind):
            out.append(contentsOf: "\"name\":\"\(name)\",\"label\":\"!\(kind.rawValue)\"}".utf8)
        case .root:
            out.append(contentsOf: "\"name\":\".\",\"error\":\"root query\"}".utf8)
        case let .error(reason):
            out.append(contentsOf: "\"input\":".utf8)
            appendJSONString(UnsafeBufferPointer(rebasing: line[0..<min(line.count, 512)]), to: &out)
            out.append(contentsOf: ",\"error\":\(jsonString(reason))}".utf8)
        case .noQuery:
            out.append(contentsOf: "\"input\":".utf8)
            appendJSONString(UnsafeBufferPointer(rebasing: line[0..<min(line.count, 512)]), to: &out)
            out.append(contentsOf: ",\"noquery\":true}".utf8)
        }
    }

    /// `"label":…,"p":…,"top":[…][,"why":[…]]` of one model.
    private func appendJSONAnswer(_ top: ArraySlice<LabelScore>, _ why: [TokenWeight], model m: Int, to out: inout [UInt8]) {
        out.append(contentsOf: "\"label\":".utf8)
        appendBestLabel(top.first!, model: m, json: true, to: &out)
        out.append(contentsOf: ",\"p\":".utf8)
        appendProbability(top.first!.probability, to: &out)
        out.append(contentsOf: ",\"top\":[".utf8)
        for (i, score) in top.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "{\"label\":".utf8)
            models[m].labelJSON.append(score.label, to: &out)
            out.append(contentsOf: ",\"p\":".utf8)
            appendProbability(score.probability, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        out.append(contentsOf: models[m].versionJSON)
        guard !why.isEmpty else { return }
        out.append(contentsOf: ",\"why\":[".utf8)
        for (i, w) in why.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: "{\"token\":\(jsonString(w.token)),\"weight\":".utf8)
            appendProbability(w.weight, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
    }

    private func appendAnnotated(_ outcome: LineOutcome, line: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        appendSanitised(line, to: &out, limit: Int.max, keepTabs: true)
        switch outcome {
        case let .classified(_, top, why, more):
            forEachAnswer(top, why, more) { m, top, _ in
                let key = models.count > 1 ? models[m].name : "label"
                out.append(contentsOf: " \(key)=".utf8)
                appendBestLabel(top.first!, model: m, json: false, to: &out)
                out.append(contentsOf: (models.count > 1 ? " \(key)_p=" : " p=").utf8)
                appendProbability(top.first!.probability, to: &out)
            }
        case let .name(name):
            out.append(contentsOf: " name=".utf8)
            out.append(contentsOf: name.utf8)
        case .ipAddress: out.append(contentsOf: " label=!ip".utf8)
        case let .special(_, kind): out.append(contentsOf: " label=!\(kind.rawValue)".utf8)
        case .root: out.append(contentsOf: " label=!root".utf8)
        case let .error(reason):
            out.append(contentsOf: " label=!error reason=\"".utf8)
            out.append(contentsOf: reason.utf8)
            out.append(UInt8(ascii: "\""))
        case .noQuery: break
        }
    }

    /// The answer's label, or `unknown` when its probability is below the model's threshold.
    private func appendBestLabel(_ best: LabelScore, model m: Int, json: Bool, to out: inout [UInt8]) {
        if best.probability < models[m].minProbability {
            out.append(contentsOf: (json ? "\"unknown\"" : "unknown").utf8)
        } else {
            (json ? models[m].labelJSON : models[m].labelBytes).append(best.label, to: &out)
        }
    }
}

/// `0.xxxx` with four decimals, without Foundation's formatter on the hot path.
@inline(__always)
func appendProbability(_ p: Float, to out: inout [UInt8]) {
    let scaled = Int((min(max(p, 0), 1) * 10_000).rounded())
    out.append(UInt8(ascii: "0") + UInt8(scaled / 10_000))
    out.append(UInt8(ascii: "."))
    var rest = scaled % 10_000
    var divisor = 1000
    while divisor > 0 {
        out.append(UInt8(ascii: "0") + UInt8(rest / divisor))
        rest %= divisor
        divisor /= 10
    }
}

/// Echoes raw input safely: control bytes, TABs and invalid UTF-8 become `\xNN`, long lines are cut with `…`.
func appendSanitised(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], limit: Int = 256, keepTabs: Bool = false) {
    let hexDigits = Array("0123456789abcdef".utf8)
    func escape(_ b: UInt8) {
        out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x"), hexDigits[Int(b >> 4)], hexDigits[Int(b & 15)]])
    }
    var i = 0
    let end = min(bytes.count, limit)
    while i < end {
        let b = bytes[i]
        if b < 0x20 || b == 0x7F {
            if keepTabs && b == 0x09 { out.append(b) } else { escape(b) }
            i += 1
        } else if b < 0x80 {
            out.append(b)
            i += 1
        } else {
            let length = utf8SequenceLength(bytes, i)
            if length == 0 { escape(b); i += 1 } else { out.append(contentsOf: bytes[i..<i + length]); i += length }
        }
    }
    if bytes.count > end { out.append(contentsOf: "…".utf8) }
}

/// Length of a valid UTF-8 sequence starting at `i`, or 0.
func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
    let b = bytes[i]
    let length = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0
    guard length > 0, i + length <= bytes.count else { return 0 }
    for j in 1..<length where bytes[i + j] & 0xC0 != 0x80 { return 0 }
    return String(validating: UnsafeBufferPointer(rebasing: bytes[i..<i + length]), as: UTF8.self) == nil ? 0 : length
}

func appendJSONString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    out.append(contentsOf: jsonString(text).utf8)
}

import Foundation

/// Every label's bytes back to back, found by offset: appending one copies bytes without touching the
/// reference count of a per-label array (shared by every thread that formats answers).
struct EncodedLabels: Sendable {
    private let bytes: [UInt8]
    private let starts: [Int]

    init(_ labels: [[UInt8]]) {
        bytes = labels.flatMap { $0 }
        starts = labels.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    }

    @inline(__always)
    func append(_ label: Int32, to out: inout [UInt8]) {
        let i = Int(label)
        bytes.withUnsafeBufferPointer { out.append(contentsOf: $0[starts[i]..<starts[i + 1]]) }
    }
}
