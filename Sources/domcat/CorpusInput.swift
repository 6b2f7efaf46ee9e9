import Corpora

/// A labelled file read by eval, split, features or tokens: its bad lines noted, a bad label or no usable
/// example at all an input error (exit 4); `hint` follows that message.
func readCorpus(_ path: String, labels: CorpusReader.Labels = .required, hint: String = "") -> LabelledCorpus {
    let corpus: LabelledCorpus
    do { corpus = try LabelledCorpus.read(paths: [path], labels: labels) } catch { fail("\(error)", code: ExitCodes.input) }
    corpus.problemReport.forEach(note)
    do { try corpus.requireExamples([path]) } catch { fail("\(error)\(hint)", code: ExitCodes.input) }
    return corpus
}
