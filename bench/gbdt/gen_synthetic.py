# Synthetic 31-class data, 25 features: class centres + noise + nonlinear mixing.
import numpy as np, os, sys
os.makedirs("/tmp/gbdtbench", exist_ok=True)
rng = np.random.default_rng(7)
K, F = 31, 25
def make(n, rng):
    y = rng.integers(0, K, n)
    centres = np.random.default_rng(1).normal(0, 1.0, (K, F))
    X = centres[y] + rng.normal(0, 1.3, (n, F))
    X[:, :5] = np.abs(X[:, :5]) ** 1.5          # nonlinear monotone-ish
    X[:, 5:10] = np.sin(X[:, 5:10] * 1.7)       # non-monotone
    X[:, 20] = np.round(X[:, 20] * 2)           # few distinct values
    return X.astype(np.float32), y.astype(np.int32)
Xtr, ytr = make(240000, rng); Xte, yte = make(60000, rng)
for name, X, y in (("train", Xtr, ytr), ("test", Xte, yte)):
    with open(f"/tmp/gbdtbench/{name}.bin", "wb") as f:
        np.array([X.shape[0], X.shape[1]], dtype=np.int32).tofile(f); X.tofile(f); y.tofile(f)
