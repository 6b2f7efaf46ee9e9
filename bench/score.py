#!/usr/bin/env python3
"""Accuracy and macro-F1 of predicted labels against a labelled file, with domcat's definitions
(macro-F1 averages over the labels present in the truth)."""
import json
import sys
from collections import Counter


def labels_from(path, fasttext_format):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if fasttext_format:
                first = line.split(" ", 1)[0]
                out.append(first[len("__label__"):] if first.startswith("__label__") else first)
            else:
                out.append(line)
    return out


def score(truth, predicted):
    assert len(truth) == len(predicted), (len(truth), len(predicted))
    tp, support, predicted_as = Counter(), Counter(), Counter()
    for t, p in zip(truth, predicted):
        support[t] += 1
        predicted_as[p] += 1
        if t == p:
            tp[t] += 1
    f1s = []
    for label in support:
        precision = tp[label] / predicted_as[label] if predicted_as[label] else 0.0
        recall = tp[label] / support[label]
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return {"examples": len(truth), "accuracy": sum(tp.values()) / len(truth), "macroF1": sum(f1s) / len(f1s)}


if __name__ == "__main__":
    truth_path, predicted_path = sys.argv[1], sys.argv[2]
    truth = labels_from(truth_path, True)
    predicted = labels_from(predicted_path, True)
    print(json.dumps(score(truth, predicted)))
