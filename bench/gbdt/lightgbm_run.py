import numpy as np, lightgbm as lgb, time, sys
def load(name):
    with open(f"/tmp/gbdtbench/{name}.bin", "rb") as f:
        n, d = np.fromfile(f, np.int32, 2); X = np.fromfile(f, np.float32, n*d).reshape(n, d); y = np.fromfile(f, np.int32, n)
    return X, y
Xtr, ytr = load("train"); Xte, yte = load("test")
p = dict(objective="multiclass", num_class=31, num_leaves=31, learning_rate=0.1, feature_fraction=0.8,
         bagging_fraction=0.8, bagging_freq=1, num_threads=int(sys.argv[1]) if len(sys.argv)>1 else 2, verbose=-1, seed=1)
t = time.time(); ds = lgb.Dataset(Xtr, ytr); b = lgb.train(p, ds, num_boost_round=int(sys.argv[2]) if len(sys.argv)>2 else 100); el = time.time() - t
acc = (b.predict(Xte).argmax(1) == yte).mean()
print(f"lightgbm rounds={b.current_iteration()} threads={p['num_threads']} train_s={el:.2f} acc={acc:.4f}")
