import DomainKit
import Learners
import XCTest

extension XCTestCase {
    /// Trains `model` on labelled names the way `domcat train` does (bags, then the trainer), for the linear tests.
    func train(_ model: LinearModel, _ domains: [Domain], _ labels: [String]) {
        let index = Dictionary(uniqueKeysWithValues: model.labels.enumerated().map { ($1, Int32($0)) })
        let bags = FeatureBags(domains: domains, labels: labels.map { index[$0]! }, tokenizer: model.tokenizer,
                               bucketMask: UInt64(model.params.buckets - 1), threads: 2)
        LinearTrainer.train(model, on: bags)
    }
}
