"""Reduce unit embeddings and cluster them (scikit-learn; UMAP only when asked for).

- Reduction: PCA to ``reduce_dims`` components (default), or UMAP (``umap: true``; costs ~12 s of
  numba warm-up and needs at least ~15 units).
- Clustering: KMeans with k fixed or chosen by the silhouette score (see ``choose_k``), or
  HDBSCAN (outliers get topic -1).
- Large corpora: reduction and clustering are fitted on a random sample of ``fit_idx`` units;
  the other units are then assigned: KMeans by nearest centre, HDBSCAN by a vote of the nearest
  sampled units (outliers included).

``umap`` is imported here only, lazily.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SILHOUETTE_SAMPLE = 4000
K_CAP = 30
UMAP_MIN_UNITS = 15
EMBEDDING_SILHOUETTE_MIN = 0.1


@dataclass
class Clustering:
    labels: np.ndarray  # one per unit, -1 = outlier
    reduced: np.ndarray  # the space clusters were found in, all units
    method: str
    reduction: str
    k: int | None = None
    silhouette: dict = field(default_factory=dict)  # k -> score that chose k (KMeans, k auto)
    silhouette_space: str = ""  # "embedding" (cosine) or "reduced"
    silhouette_curves: dict = field(default_factory=dict)
    min_cluster_size: int | None = None
    notes: list[str] = field(default_factory=list)


def auto_k_range(n_fit: int, k_min: int, k_max) -> list[int]:
    """Every k up to 12, then every second, then every third (the silhouette curve is smooth there)."""
    hi = min(K_CAP, max(2, int(round(np.sqrt(n_fit / 2))))) if k_max == "auto" else int(k_max)
    hi = min(hi, n_fit - 1)
    lo = max(2, min(k_min, hi))
    ks = [k for k in range(lo, hi + 1) if k <= 12 or (k <= 20 and k % 2 == 0) or (k > 20 and k % 3 == 0)]
    return ks if hi in ks or not ks else ks + [hi]


def reduce(emb: np.ndarray, fit_idx: np.ndarray, *, use_umap: bool, dims: int, seed: int, notes: list[str]):
    """Embeddings reduced for clustering: UMAP when asked and the sample is large enough, else PCA
    (seeded), fitted on ``fit_idx``; notes say which."""
    n_fit = len(fit_idx)
    if use_umap and n_fit >= UMAP_MIN_UNITS:
        import umap  # noqa: PLC0415 (opt-in, slow to import)

        import warnings

        model = umap.UMAP(n_components=min(5, n_fit - 2), n_neighbors=min(15, n_fit - 1), min_dist=0.0,
                          metric="cosine", random_state=seed, low_memory=True, n_jobs=1)
        with warnings.catch_warnings():  # "n_jobs overridden by random_state": single-threaded on purpose
            warnings.filterwarnings("ignore", message=".*overridden to 1 by setting random_state.*")
            model.fit(emb[fit_idx])
        return model.transform(emb) if n_fit < len(emb) else model.embedding_, "umap"
    if use_umap:
        notes.append(f"UMAP was asked for but needs at least {UMAP_MIN_UNITS} units; PCA was used instead.")
    from sklearn.decomposition import PCA

    n_comp = min(dims, n_fit - 1, emb.shape[1])
    if n_comp < 1:
        return emb, "none"
    pca = PCA(n_components=n_comp, random_state=seed, svd_solver="full" if n_fit <= 2000 else "randomized")
    pca.fit(emb[fit_idx])
    return pca.transform(emb).astype(np.float32), f"pca{n_comp}"


def kmeans_fit(X: np.ndarray, k: int, seed: int):
    """KMeans with ``k`` clusters, seeded."""
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=4, random_state=seed).fit(X)


def distances(X: np.ndarray, metric: str) -> np.ndarray:
    """Pairwise distances between the rows of ``X``, in the row blocks ``silhouette_score``
    computes them in when given the points, so that scores from them are the same to the bit."""
    from sklearn.metrics import pairwise_distances_chunked

    return np.vstack(list(pairwise_distances_chunked(X, metric=metric)))


def choose_k(X: np.ndarray, E: np.ndarray, ks: list[int], seed: int):
    """KMeans in the reduced space ``X`` for each k, scored by the silhouette.

    The silhouette is read in the embedding space ``E`` (cosine) first: a low-dimensional PCA of
    few units over-fits and inflates it for larger k (on a three-theme test corpus it picked 4 or
    6). On large, diffuse news corpora, though, cosine distances in the full space concentrate and
    every k scores near 0 (SaudiNewsNet: best 0.05, a noisy pick of k = 2); when no k reaches
    ``EMBEDDING_SILHOUETTE_MIN`` there, the silhouette in the reduced space decides (clear peak at
    10–11 on SaudiNewsNet). Returns (k, scores used, space name, both curves, fitted models).
    """
    from sklearn.metrics import silhouette_score

    curves: dict[str, dict[int, float]] = {"embedding": {}, "reduced": {}}
    models = {}
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(X), size=SILHOUETTE_SAMPLE, replace=False)) if len(X) > SILHOUETTE_SAMPLE else None
    Es = E[sample] if sample is not None else E
    Xs = X[sample] if sample is not None else X
    # the distances between the sampled units do not depend on k: computed once per space
    De, Dx = distances(Es, "cosine"), distances(Xs, "euclidean")
    for k in ks:
        km = kmeans_fit(X, k, seed)
        labels = km.labels_[sample] if sample is not None else km.labels_
        if len(set(labels.tolist())) < 2 or len(set(labels.tolist())) >= len(labels):
            continue
        curves["embedding"][k] = float(silhouette_score(De, labels, metric="precomputed"))
        curves["reduced"][k] = float(silhouette_score(Dx, labels, metric="precomputed"))
        models[k] = km
    if not models:
        return ks[0], {}, "none", curves, models
    space = "embedding" if max(curves["embedding"].values()) >= EMBEDDING_SILHOUETTE_MIN else "reduced"
    scores = curves[space]
    best = max(scores, key=lambda k: (round(scores[k], 4), -k))  # ties: fewer topics
    return best, scores, space, curves, models


def cluster_units(emb: np.ndarray, fit_idx: np.ndarray, options, seed: int, k: int | None = None) -> Clustering:
    """Cluster all units; ``k`` overrides the silhouette choice (stability refits use it)."""
    notes: list[str] = []
    reduced, reduction = reduce(emb, fit_idx, use_umap=options.umap, dims=options.reduce_dims, seed=seed, notes=notes)
    Xf = reduced[fit_idx]
    n_fit = len(fit_idx)
    if options.clustering == "kmeans":
        silhouette: dict = {}
        space, curves = "", {}
        if k is None and options.n_topics != "auto":
            k = int(options.n_topics)
            if k > n_fit:
                notes.append(f"n_topics {k} is more than the {n_fit} units; {n_fit} topics were used.")
                k = n_fit
        if k is None:
            ks = auto_k_range(n_fit, options.k_min, options.k_max)
            k, silhouette, space, curves, models = choose_k(Xf, emb[fit_idx], ks, seed)
            km = models.get(k) or kmeans_fit(Xf, k, seed)
        else:
            km = kmeans_fit(Xf, k, seed)
        labels = km.predict(reduced) if n_fit < len(reduced) else km.labels_.copy()
        return Clustering(labels.astype(np.int64), reduced, "kmeans", reduction, k=int(k),
                          silhouette=silhouette, silhouette_space=space, silhouette_curves=curves, notes=notes)

    from sklearn.cluster import HDBSCAN

    mcs = options.min_topic_size
    mcs = max(5, n_fit // 200) if mcs == "auto" else int(mcs)
    mcs = max(2, min(mcs, n_fit))
    hdb = HDBSCAN(min_cluster_size=mcs, min_samples=min(mcs, 10), copy=True).fit(Xf)
    fit_labels = hdb.labels_.astype(np.int64)
    if n_fit < len(reduced):
        from sklearn.neighbors import KNeighborsClassifier

        knn = KNeighborsClassifier(n_neighbors=min(10, n_fit)).fit(Xf, fit_labels)
        labels = knn.predict(reduced)
        labels[fit_idx] = fit_labels
    else:
        labels = fit_labels
    n_clusters = len(set(labels.tolist()) - {-1})
    return Clustering(labels, reduced, "hdbscan", reduction, k=n_clusters, min_cluster_size=mcs, notes=notes)
