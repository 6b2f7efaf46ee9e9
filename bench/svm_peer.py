#!/usr/bin/env python3
"""The issue 16 peer: TF-IDF of character 2–5-grams within word boundaries (a domain name is one "word",
so the n-grams run across its dots) and a linear SVM at default C, trained on a split's train.tsv and scored
on valid.tsv and test.tsv with domcat's definitions (bench/score.py). Prints one JSON object.
Usage: svm_peer.py SPLIT_DIR"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import score  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402


def read(path):
    names, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            name, _, label = line.rstrip("\n").partition("\t")
            if label:
                names.append(name)
                labels.append(label)
    return names, labels


def main():
    split = sys.argv[1]
    train_names, train_labels = read(os.path.join(split, "train.tsv"))
    start = time.time()
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    model = LinearSVC()
    model.fit(vectorizer.fit_transform(train_names), train_labels)
    out = {"train_seconds": round(time.time() - start, 2)}
    for part in ("valid", "test"):
        names, labels = read(os.path.join(split, part + ".tsv"))
        out[part] = score(labels, list(model.predict(vectorizer.transform(names))))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
