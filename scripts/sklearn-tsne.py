# scikit-learn's Barnes-Hut TSNE (the settings of netviz's Tsne defaults) on the features that
# netviz.bench.TsneBench wrote into DIR (features.npy, features-labels.npy, netviz-embedding.npy);
# prints key=value lines: its time, its map's extent (larger side), its map's trustworthiness (k = 10) and netviz's map's, by sklearn.
# Usage: python3 scripts/sklearn-tsne.py DIR   (used by bench-tsne.sh and bench-targets.sh)
#        python3 scripts/sklearn-tsne.py --check (exit 1 with a hint when scikit-learn is missing)
import os, sys, time
try:
    import numpy as np
    import sklearn
    from sklearn.manifold import TSNE, trustworthiness
except ImportError:
    sys.exit("scikit-learn is missing: apt-get install python3-sklearn")
d = sys.argv[1]
if d == "--check":
    sys.exit(0)
X = np.load(os.path.join(d, "features.npy")).astype(np.float32)
print("sklearn_version=%s" % sklearn.__version__)
print("load_before=%s" % open("/proc/loadavg").read().strip())
t0 = time.time()
Y = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, learning_rate="auto", init="pca",
         method="barnes_hut", angle=0.5, random_state=0).fit_transform(X)
s = time.time() - t0
print("sklearn_tsne_seconds=%.2f" % s)
print("sklearn_map_extent=%.1f" % (Y.max(axis=0) - Y.min(axis=0)).max())
print("sklearn_trustworthiness=%.4f" % trustworthiness(X, Y, n_neighbors=10))
Yn = np.load(os.path.join(d, "netviz-embedding.npy"))
print("sklearn_checks_netviz_trustworthiness=%.4f" % trustworthiness(X, Yn, n_neighbors=10))
