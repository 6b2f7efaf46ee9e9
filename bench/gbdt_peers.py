"""LightGBM and a scikit-learn depth-15 tree on the TSVs `domcat features` writes (features…, label).
Usage: gbdt_peers.py TRAIN.tsv VALID.tsv TEST.tsv  → one JSON line per model."""
import json, sys, time
import numpy as np

def load(path, index=None):
    with open(path) as f:
        next(f)
        rows, labels = [], []
        for line in f:
            parts = line.rstrip("\n").split("\t")
            rows.append([float(x) for x in parts[:-1]])
            labels.append(parts[-1])
    return np.array(rows, dtype=np.float32), labels

def scores(truth, pred):
    truth, pred = np.asarray(truth), np.asarray(pred)
    acc = float((truth == pred).mean())
    f1s = []
    for c in sorted(set(truth) | set(pred)):
        tp = float(((truth == c) & (pred == c)).sum())
        p = tp / max((pred == c).sum(), 1); r = tp / max((truth == c).sum(), 1)
        f1s.append(0 if p + r == 0 else 2 * p * r / (p + r))
    return acc, float(np.mean(f1s))

Xtr, ytr = load(sys.argv[1]); Xva, yva = load(sys.argv[2]); Xte, yte = load(sys.argv[3])
names = sorted(set(ytr)); index = {n: i for i, n in enumerate(names)}
ytr_i = np.array([index[y] for y in ytr])
keep = [i for i, y in enumerate(yva) if y in index]
import lightgbm as lgb
params = dict(objective="multiclass", num_class=len(names), num_leaves=31, learning_rate=0.1,
              feature_fraction=0.8, bagging_fraction=0.8, bagging_freq=1, min_data_in_leaf=20,
              max_bin=255, lambda_l2=1.0, num_threads=2, verbose=-1, seed=1)
start = time.time()
dtrain = lgb.Dataset(Xtr, ytr_i)
dvalid = lgb.Dataset(Xva[keep], np.array([index[yva[i]] for i in keep]), reference=dtrain)
booster = lgb.train(params, dtrain, num_boost_round=100, valid_sets=[dvalid],
                    callbacks=[lgb.early_stopping(10, verbose=False)])
seconds = time.time() - start
pred = [names[i] for i in booster.predict(Xte, num_iteration=booster.best_iteration).argmax(axis=1)]
acc, f1 = scores(yte, pred)
print(json.dumps(dict(model="lightgbm", accuracy=acc, macroF1=f1, train_seconds=seconds, rounds=booster.best_iteration)))
from sklearn.tree import DecisionTreeClassifier
start = time.time()
tree = DecisionTreeClassifier(max_depth=15, random_state=1).fit(Xtr, ytr)
seconds = time.time() - start
acc, f1 = scores(yte, tree.predict(Xte))
print(json.dumps(dict(model="sklearn-tree-depth15", accuracy=acc, macroF1=f1, train_seconds=seconds)))
