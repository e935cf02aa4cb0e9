"""Theme-id matching threshold check: refit the default Themer on two 75% subsets of the CFPB sample and print
how similar each theme's best counterpart is (the figures quoted in enrich/themes/registry.py). Prints; asserts nothing."""

import numpy as np
from enrich.themes.evaluation import cfpb_sample, cfpb_embeddings
from enrich.themes import Themer
s = cfpb_sample(); X = cfpb_embeddings(s); texts = s["text"].tolist()
rng = np.random.default_rng(0)
cents = []
for seed in (1, 2):
    idx = np.sort(np.random.default_rng(seed).permutation(len(X))[: int(0.75 * len(X))])
    t = Themer().fit(X[idx], [texts[i] for i in idx])
    cents.append(t.centroids_)
A, B = cents
sim = A @ B.T
best = sim.max(axis=1)
print("themes", len(A), len(B))
print("best-match cosine per theme of fit A: median %.3f, p10 %.3f, min %.3f" % (np.median(best), np.percentile(best, 10), best.min()))
print("share >= 0.85: %.2f" % (best >= 0.85).mean())
within = A @ A.T; np.fill_diagonal(within, np.nan)
print("distinct themes within fit A: max %.3f, p90 %.3f" % (np.nanmax(within), np.nanpercentile(within, 90)))
