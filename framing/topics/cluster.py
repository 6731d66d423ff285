"""Reduce unit embeddings and cluster them (scikit-learn; UMAP only when asked for).

- Reduction: PCA to ``reduce_dims`` components (default), or UMAP (``umap: true``; costs ~12 s of
  numba warm-up and needs at least ~15 units).
- Clustering: KMeans with k fixed or chosen by the silhouette score (see ``choose_k``), or
  HDBSCAN (outliers get topic -1).
- Large corpora: reduction and clustering are fitted on a random sample of ``fit_idx`` units
  (``fit_units``); every unit is then assigned (``assign``), its embeddings given a chunk at a
  time, so that they never need to be held for the whole corpus: KMeans by nearest centre,
  HDBSCAN by a vote of the nearest sampled units (outliers included).

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
    labels: np.ndarray | None  # one per unit, -1 = outlier (None until the units are assigned)
    reduced: np.ndarray | None  # the space clusters were found in, all units (kept when asked)
    method: str
    reduction: str
    k: int | None = None
    silhouette: dict = field(default_factory=dict)  # k -> score that chose k (KMeans, k auto)
    silhouette_space: str = ""  # "embedding" (cosine) or "reduced"
    silhouette_curves: dict = field(default_factory=dict)
    min_cluster_size: int | None = None
    notes: list[str] = field(default_factory=list)
    # the fitted parts, which assign every unit (``assign``)
    fit_idx: np.ndarray | None = None
    n_units: int = 0
    reducer: object = None  # a fitted PCA, or None (UMAP: ``reduced_all``; no reduction: the embeddings)
    reduced_all: np.ndarray | None = None  # UMAP only: every unit's reduced coordinates
    model: object = None  # KMeans, or a nearest-neighbour vote over the fitted units (HDBSCAN)
    fit_labels: np.ndarray | None = None


def auto_k_range(n_fit: int, k_min: int, k_max) -> list[int]:
    """Every k up to 12, then every second, then every third (the silhouette curve is smooth there)."""
    hi = min(K_CAP, max(2, int(round(np.sqrt(n_fit / 2))))) if k_max == "auto" else int(k_max)
    hi = min(hi, n_fit - 1)
    lo = max(2, min(k_min, hi))
    ks = [k for k in range(lo, hi + 1) if k <= 12 or (k <= 20 and k % 2 == 0) or (k > 20 and k % 3 == 0)]
    return ks if hi in ks or not ks else ks + [hi]


def fit_reducer(emb_fit: np.ndarray, *, use_umap: bool, dims: int, seed: int, notes: list[str]):
    """The reduction for clustering, fitted on the units' embeddings ``emb_fit``: UMAP when asked
    and the sample is large enough (it needs every unit's embeddings, ``emb_all()``, to place
    them), else PCA (seeded); notes say which. Returns (PCA or None, the fitted units' reduced
    coordinates, every unit's for UMAP or None, name)."""
    n_fit = len(emb_fit)
    if use_umap and n_fit >= UMAP_MIN_UNITS:
        import umap  # noqa: PLC0415 (opt-in, slow to import)

        import warnings

        model = umap.UMAP(n_components=min(5, n_fit - 2), n_neighbors=min(15, n_fit - 1), min_dist=0.0,
                          metric="cosine", random_state=seed, low_memory=True, n_jobs=1)
        with warnings.catch_warnings():  # "n_jobs overridden by random_state": single-threaded on purpose
            warnings.filterwarnings("ignore", message=".*overridden to 1 by setting random_state.*")
            model.fit(emb_fit)
        return None, None, model, "umap"
    if use_umap:
        notes.append(f"UMAP was asked for but needs at least {UMAP_MIN_UNITS} units; PCA was used instead.")
    from sklearn.decomposition import PCA

    n_comp = min(dims, n_fit - 1, emb_fit.shape[1])
    if n_comp < 1:
        return None, emb_fit, None, "none"
    pca = PCA(n_components=n_comp, random_state=seed, svd_solver="full" if n_fit <= 2000 else "randomized")
    pca.fit(emb_fit)
    return pca, pca.transform(emb_fit).astype(np.float32), None, f"pca{n_comp}"


def kmeans_fit(X: np.ndarray, k: int, seed: int):
    """KMeans with ``k`` clusters, seeded."""
    from sklearn.cluster import KMeans

    return KMeans(n_clusters=k, n_init=4, random_state=seed).fit(X)


def distances(X: np.ndarray, metric: str) -> np.ndarray:
    """Pairwise distances between the rows of ``X``, in the row blocks ``silhouette_score``
    computes them in when given the points, so that scores from them are the same to the bit."""
    from sklearn.metrics import pairwise_distances_chunked

    return np.vstack(list(pairwise_distances_chunked(X, metric=metric)))


def choose_k(X: np.ndarray, E: np.ndarray, ks: list[int], seed: int, jobs: int = 1):
    """KMeans in the reduced space ``X`` for each k, scored by the silhouette.

    The silhouette is read in the embedding space ``E`` (cosine) first: a low-dimensional PCA of
    few units over-fits and inflates it for larger k (on a three-theme test corpus it picked 4 or
    6). On large, diffuse news corpora, though, cosine distances in the full space concentrate and
    every k scores near 0 (SaudiNewsNet: best 0.05, a noisy pick of k = 2); when no k reaches
    ``EMBEDDING_SILHOUETTE_MIN`` there, the silhouette in the reduced space decides (clear peak at
    10–11 on SaudiNewsNet). Returns (k, scores used, space name, both curves, fitted models).
    ``jobs`` >= 2: the k are fitted and scored by this process and ``jobs - 1`` forked ones (each
    k's fit and scores depend on k alone, so they are the same); then run it on one OpenMP thread
    (``threadpool_limits(1)``): a forked process hangs in OpenMP threads its parent started.
    """
    from framing.background import share

    curves: dict[str, dict[int, float]] = {"embedding": {}, "reduced": {}}
    models = {}
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(X), size=SILHOUETTE_SAMPLE, replace=False)) if len(X) > SILHOUETTE_SAMPLE else None
    Es = E[sample] if sample is not None else E
    Xs = X[sample] if sample is not None else X
    # the distances between the sampled units do not depend on k: computed once per space
    De, Dx = distances(Es, "cosine"), distances(Xs, "euclidean")
    fits = share([lambda k=k: _scored(X, k, seed, sample, De, Dx) for k in ks], jobs=jobs,
                 weights=[k + 8 for k in ks], name="topic counts")  # KMeans takes longer with more clusters
    for k, (km, on_embedding, on_reduced) in zip(ks, fits):
        if km is None:
            continue
        curves["embedding"][k], curves["reduced"][k] = on_embedding, on_reduced
        models[k] = km
    if not models:
        return ks[0], {}, "none", curves, models
    space = "embedding" if max(curves["embedding"].values()) >= EMBEDDING_SILHOUETTE_MIN else "reduced"
    scores = curves[space]
    best = max(scores, key=lambda k: (round(scores[k], 4), -k))  # ties: fewer topics
    return best, scores, space, curves, models


def _scored(X: np.ndarray, k: int, seed: int, sample, De: np.ndarray, Dx: np.ndarray):
    """(KMeans with ``k`` clusters, its silhouette on the distances ``De`` and ``Dx`` between the
    ``sample`` units), or Nones when its labels of the sample cannot be scored (one cluster, or as
    many as units)."""
    from sklearn.metrics import silhouette_score

    km = kmeans_fit(X, k, seed)
    labels = km.labels_[sample] if sample is not None else km.labels_
    if len(set(labels.tolist())) < 2 or len(set(labels.tolist())) >= len(labels):
        return None, None, None
    return (km, float(silhouette_score(De, labels, metric="precomputed")),
            float(silhouette_score(Dx, labels, metric="precomputed")))


def fit_units(emb_fit: np.ndarray, fit_idx: np.ndarray, n: int, options, seed: int, k: int | None = None,
              emb_all=None, jobs: int = 1) -> Clustering:
    """Fit the reduction and the clustering on the units ``fit_idx`` (of ``n``), whose embeddings
    are ``emb_fit``; ``k`` overrides the silhouette choice (stability refits use it); ``emb_all()``
    gives every unit's embeddings, needed by UMAP only; ``jobs``: processes that try the k (see
    :func:`choose_k`). ``assign`` then labels every unit."""
    notes: list[str] = []
    pca, Xf, umap_model, reduction = fit_reducer(emb_fit, use_umap=options.umap, dims=options.reduce_dims,
                                                 seed=seed, notes=notes)
    n_fit = len(fit_idx)
    out = Clustering(None, None, options.clustering, reduction, notes=notes, fit_idx=fit_idx, n_units=n, reducer=pca)
    if umap_model is not None:
        out.reduced_all = umap_model.transform(emb_all()) if n_fit < n else umap_model.embedding_
        Xf = out.reduced_all[fit_idx]
    if options.clustering == "kmeans":
        if k is None and options.n_topics != "auto":
            k = int(options.n_topics)
            if k > n_fit:
                notes.append(f"n_topics {k} is more than the {n_fit} units; {n_fit} topics were used.")
                k = n_fit
        if k is None:
            ks = auto_k_range(n_fit, options.k_min, options.k_max)
            k, out.silhouette, out.silhouette_space, out.silhouette_curves, models = choose_k(Xf, emb_fit, ks, seed, jobs)
            km = models.get(k) or kmeans_fit(Xf, k, seed)
        else:
            km = kmeans_fit(Xf, k, seed)
        out.k, out.model, out.fit_labels = int(k), km, km.labels_.astype(np.int64)
        return out

    from sklearn.cluster import HDBSCAN

    mcs = options.min_topic_size
    mcs = max(5, n_fit // 200) if mcs == "auto" else int(mcs)
    mcs = max(2, min(mcs, n_fit))
    hdb = HDBSCAN(min_cluster_size=mcs, min_samples=min(mcs, 10), copy=True).fit(Xf)
    out.fit_labels, out.min_cluster_size = hdb.labels_.astype(np.int64), mcs
    if n_fit < n:
        from sklearn.neighbors import KNeighborsClassifier

        out.model = KNeighborsClassifier(n_neighbors=min(10, n_fit)).fit(Xf, out.fit_labels)
    return out


def assign(fits: list[Clustering], chunks, keep_reduced: list[bool]) -> None:
    """Label every unit for each fit, from its embeddings given in ``chunks`` of ``(first unit,
    embeddings)``: KMeans by the nearest centre, HDBSCAN by a vote of the nearest fitted units
    (fitted units keep their own label). Only a chunk is held at a time; ``keep_reduced`` says
    for which fits every unit's reduced coordinates are kept (``reduced``)."""
    for c, keep in zip(fits, keep_reduced):
        c.labels = np.empty(c.n_units, dtype=np.int64)
        c.reduced = (c.reduced_all if c.reduced_all is not None else []) if keep else None
    for lo, emb in chunks:
        hi = lo + len(emb)
        for c, keep in zip(fits, keep_reduced):
            if c.reduced_all is not None:
                X = c.reduced_all[lo:hi]
            else:
                X = c.reducer.transform(emb).astype(np.float32) if c.reducer is not None else emb
            if keep and c.reduced_all is None:
                c.reduced.append(X)
            if len(c.fit_idx) == c.n_units:  # fitted on every unit: its own labels
                c.labels[lo:hi] = c.fit_labels[lo:hi]
            elif c.method == "kmeans":
                c.labels[lo:hi] = c.model.predict(X)
            else:
                c.labels[lo:hi] = c.model.predict(X)
                inside = c.fit_idx[(c.fit_idx >= lo) & (c.fit_idx < hi)]
                c.labels[inside] = c.fit_labels[np.searchsorted(c.fit_idx, inside)]
    for c, keep in zip(fits, keep_reduced):
        if keep and isinstance(c.reduced, list):
            c.reduced = np.vstack(c.reduced) if c.reduced else np.zeros((0, 1), dtype=np.float32)
        if c.method == "hdbscan":
            c.k = len(set(c.labels.tolist()) - {-1})


def cluster_units(emb: np.ndarray, fit_idx: np.ndarray, options, seed: int, k: int | None = None,
                  chunk: int = 20_000) -> Clustering:
    """Fit on ``fit_idx`` and assign every unit, for embeddings held in memory (``emb``)."""
    c = fit_units(emb[fit_idx], fit_idx, len(emb), options, seed, k=k, emb_all=lambda: emb)
    assign([c], ((lo, emb[lo:lo + chunk]) for lo in range(0, len(emb), chunk)), [True])
    return c
