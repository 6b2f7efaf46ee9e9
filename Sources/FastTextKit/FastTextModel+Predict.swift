import CFastText

extension FastTextModel {
    /// The `k` most probable labels for one line (at least `threshold`),
    /// best first, exactly as `fasttext predict-prob` computes them: the line
    /// is split on whitespace and ends with fastText's end-of-sentence token.
    /// Empty for a model that is not supervised.
    package func predict(_ line: String, k: Int, threshold: Float = 0) -> [(label: String, probability: Float)] {
        let k = min(k, labels.count)
        guard k > 0 else { return [] }
        var line = line
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: k) { indices in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { probabilities in
                let count = line.withUTF8 { utf8 in
                    predict(utf8: utf8, k: k, threshold: threshold, labelIndices: indices, probabilities: probabilities)
                }
                return (0..<count).map { (labels[Int(indices[$0])], probabilities[$0]) }
            }
        }
    }

    /// The allocation-free form of `predict(_:k:threshold:)` for hot paths:
    /// writes up to `min(k, labelIndices.count, probabilities.count)` results
    /// (indices into `labels`) and returns how many.
    package func predict(
        utf8 line: UnsafeBufferPointer<UInt8>, k: Int, threshold: Float = 0,
        labelIndices: UnsafeMutableBufferPointer<Int32>, probabilities: UnsafeMutableBufferPointer<Float>
    ) -> Int {
        let k = min(k, labelIndices.count, probabilities.count, labels.count)
        guard k > 0 else { return 0 }
        let count = line.withMemoryRebound(to: CChar.self) { text in
            cfasttext_predict(
                handle, text.baseAddress, text.count, Int32(k), threshold,
                labelIndices.baseAddress, probabilities.baseAddress, nil)
        }
        return max(Int(count), 0)
    }

    /// The vector of `word`: the average of its own and its char n-gram
    /// vectors, so words never seen in training still get one (as
    /// `fasttext print-word-vectors`).
    package func wordVector(_ word: String) -> [Float] {
        var word = word
        return vector { output in
            word.withUTF8 { utf8 in wordVector(utf8: utf8, into: output) }
        }
    }

    /// The allocation-free form of `wordVector(_:)`: `output` holds at least `dimension` floats.
    package func wordVector(utf8 word: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<Float>) {
        precondition(output.count >= dimension, "output holds fewer than dimension floats")
        let status = word.withMemoryRebound(to: CChar.self) { text in
            cfasttext_word_vector(handle, text.baseAddress, text.count, output.baseAddress, nil)
        }
        if status != 0 { output.update(repeating: 0) }
    }

    /// The vector of one line, as `fasttext print-sentence-vectors`: for a
    /// supervised model the mean of its word and n-gram rows, otherwise the
    /// mean of its normalised word vectors.
    package func sentenceVector(_ line: String) -> [Float] {
        var line = line
        return vector { output in
            line.withUTF8 { utf8 in
                let status = utf8.withMemoryRebound(to: CChar.self) { text in
                    cfasttext_sentence_vector(handle, text.baseAddress, text.count, output.baseAddress, nil)
                }
                if status != 0 { output.update(repeating: 0) }
            }
        }
    }

    private func vector(_ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: dimension) { buffer, count in
            fill(buffer)
            count = dimension
        }
    }
}
