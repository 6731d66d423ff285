"""Options of the classifier stage (the `classify:` section of a study config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
    max_docs_per_outlet: int | None = Field(
        400, ge=2, description="cap on documents per outlet for the outlet classifier: a seeded sample, said in the "
        "notes. 400 keeps a 14-outlet, 30k-article study at about a minute and 2 GB on 2 cores (SaudiNewsNet: "
        "accuracy 0.47 vs majority 0.08); null uses every document (SaudiNewsNet: about 6 minutes, 5.5 GB, accuracy 0.63)"
    )
    outlet_features: Literal["auto", "vocabulary", "hashing"] = Field(
        "auto", description="TF-IDF with a vocabulary per fold, or hashed n-gram counts analysed once "
        "(fast on large corpora; auto = hashing above 2,000 documents)"
    )
    hash_bits_word: int = Field(19, ge=10, le=24, description="hashed word n-gram columns: 2**bits")
    hash_bits_char: int = Field(20, ge=10, le=24, description="hashed char n-gram columns: 2**bits")
    top_features: int = Field(20, ge=1, description="features listed per outlet in outlet_features")
    word_ngrams: tuple[int, int] = Field((1, 2), description="word n-gram range of the TF-IDF features")
    char_ngrams: tuple[int, int] = Field((2, 5), description="character n-gram range (within word boundaries)")
    min_df: int = Field(2, ge=1, description="a feature must occur in this many training documents")
    max_features: int | None = Field(
        300_000, ge=1, description="keep at most this many word and this many char features (most frequent)"
    )

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
