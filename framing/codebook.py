"""What every table and column of a run's ``data/`` folder means: the source of its codebook
(``data/README.md``) and of its Frictionless Data Package descriptor (``datapackage.json``).

A column is described by the table's own entry if it has one, else by ``COMMON`` (columns that
mean the same in every table). A column known to neither is described as such in the codebook, so
a gap shows instead of hiding.
"""

from __future__ import annotations

TABLES: dict[str, str] = {
    "documents": "The document ledger: every input document, analysed or skipped with its reason.",
    "documents_text": "The cleaned text of every document, the text all offsets (start, end, sentence_start, "
                      "sentence_end) refer to, and what cleaning removed.",
    "matches": "One row per lexicon hit: where it is (document, character offsets) and what it matched.",
    "lexicon_entries": "Every entry of the lexicons used, with its category, gloss and written forms.",
    "outlet_scores": "Each outlet's rate of each lexicon category per 1,000 words, with a 95% interval.",
    "contrasts": "Rate ratios between outlets per category (one-vs-rest and pairwise), with intervals, "
                 "permutation p-values and Benjamini-Hochberg q-values.",
    "compare": "The comparison the study declares (compare: in its config): rate ratios between its two sides "
               "per category, with the same tests and intervals as the contrasts.",
    "compare_headlines": "Plain-language sentences for the declared comparison's significant categories.",
    "headlines": "Plain-language sentences for the clearest one-vs-rest differences (the report's summary).",
    "keyness": "Words each outlet uses more than the others (weighted log-odds with an informative Dirichlet prior).",
    "naming_shares": "For each contested name (naming axis), the share of each outlet's mentions that use each variant.",
    "timeline": "Rates per 1,000 words by period (week or month), outlet and category.",
    "topics": "The topics found by the topic model, their top words and sizes.",
    "topic_mix": "The share of each outlet's units (paragraphs or documents) in each topic, with a 95% interval.",
    "topic_frames": "Lexicon hits per outlet, topic and category: frames compared within topics.",
    "topic_examples": "Representative passages of each topic.",
    "topic_stability": "Agreement between topic models fitted with different seeds.",
    "topic_units": "The topic of every unit (paragraph or document) the topic model saw.",
    "outlet_cv": "Outlet attribution classifier: cross-validated scores against a majority baseline.",
    "outlet_cv_per_outlet": "Outlet attribution classifier: precision, recall and F1 per outlet.",
    "outlet_confusion": "Outlet attribution classifier: true outlet against predicted outlet, in cross-validation.",
    "outlet_features": "Features that most distinguish each outlet in the attribution classifier.",
    "outlet_mask": "Strings masked before classifier training (outlet self-names, source lines).",
    "model_shares": "Saved frame classifiers: the share of each outlet's units given each label.",
    "model_lexicon": "Saved frame classifiers compared with the lexicon on the same units.",
    "agreement": "Agreement between classifiers, lexicons and human codes.",
    "weak_recovery": "Weak supervision: held-out lexicon entries recovered by the classifier.",
    "weak_cv": "Weak supervision: cross-validated scores.",
    "voice_rates": "Per outlet and category: hits in each voice (own narration, quoted, attributed, scare quotes).",
    "speakers": "Who is quoted using each frame: the speakers named most often per outlet and category.",
    "model_labels": "Saved frame classifiers: the labels given to each unit (paragraph).",
}

COMMON: dict[str, str] = {
    "doc_id": "Document identifier (data/documents.csv).",
    "outlet": "Outlet identifier, as in the config or the rows' outlet field.",
    "outlet_name": "Outlet display name.",
    "lexicon": "Lexicon identifier.",
    "kind": "Kind of lexicon: frames, naming or markers.",
    "category": "Category identifier within its lexicon (for naming lexicons: the naming axis).",
    "category_label": "Category name in English.",
    "category_label_ar": "Category name in Arabic.",
    "category_description": "What the category captures.",
    "entry": "Lexicon entry identifier.",
    "gloss": "English gloss of the entry.",
    "count": "Number of lexicon hits.",
    "tokens": "Number of words.",
    "per_1k": "Hits per 1,000 words.",
    "ci_low": "Lower end of the 95% confidence interval.",
    "ci_high": "Upper end of the 95% confidence interval.",
    "ci_method": "How the interval was computed.",
    "share": "Share (0 to 1).",
    "n_docs": "Number of analysed documents.",
    "p": "p-value of the test.",
    "p_method": "How the p-value was computed (permutation test variant, or why there was none).",
    "q": "Benjamini-Hochberg q-value (the p-value corrected for the comparisons of its family); empty if not tested.",
    "significant": "True when q is below the false discovery rate (stats.fdr).",
    "warning": "Why the result should be read with care (few documents or hits); empty if none.",
    "text": "Text.",
    "topic": "Topic number (-1: outliers, when the clustering leaves some).",
    "start": "Character offset where the span starts in the document's cleaned text (data/documents_text).",
    "end": "Character offset where the span ends (exclusive).",
    "ratio": "Rate ratio, rate of side A ÷ rate of side B.",
    "rank": "Rank within its group (1 = first).",
    "unit_id": "Topic unit identifier (data/topic_units.csv).",
    "n_tokens": "Number of words.",
    "label": "Label.",
    "model": "Saved classifier.",
    "metric": "Name of the score.",
    "value": "Value of the score.",
    "ratio_crude": "Crude rate ratio: the two sides' pooled rates divided, without strata.",
    "p_display": "The p-value as the report shows it, with how it was obtained (bounded where the test cannot resolve it).",
    "fdr_family": "The false discovery rate family the q-value was computed in.",
    "fcr_low": "Lower end of the interval at its family's false coverage rate level (excludes 1 exactly when q < FDR).",
    "fcr_high": "Upper end of the interval at its family's false coverage rate level.",
    "topic_strata": "Number of topic × length strata the within-topics comparison used.",
    "display": "The term's most frequent written spelling in the corpus.",
    "voice": "Whose words the hit is in: own (the outlet's narration), quoted (a direct quotation), attributed "
             "(reported speech, 'according to'), scare (quotation marks around a short phrase).",
    "in_title": "True when the hit is in the headline.",
    "speaker": "The named source the hit is attributed to, when the text names one.",
    "distanced": "True when a frame or naming word sits inside a distancing construction (e.g. ما وصفته).",
    "scare_count": "Mentions of this name in scare quotes.",
    "scare_share": "Share of the outlet's mentions of this name that are in scare quotes.",
    "scare_ci_low": "Lower end of the scare-quote share's 95% interval.",
    "scare_ci_high": "Upper end of the scare-quote share's 95% interval.",
    "scare_ci_method": "How the scare-quote share's interval was computed.",
    "scare_p": "p-value of the scare-quote share against the other outlets'.",
    "scare_q": "q-value of the scare-quote share (Benjamini-Hochberg).",
    "own": "Hits in the outlet's own narration.",
    "quoted": "Hits inside a direct quotation.",
    "attributed": "Hits in reported speech or after 'according to'.",
    "scare": "Hits in quotation marks around a short phrase nobody is quoted as saying.",
    "sourced": "Quoted and attributed hits together.",
    "all": "All hits, whatever the voice.",
    "own_per_1k": "Own-voice hits per 1,000 words.",
    "sourced_per_1k": "Sourced (quoted or attributed) hits per 1,000 words.",
    "own_share": "Share of the hits in the outlet's own voice.",
}

COLUMNS: dict[str, dict[str, str]] = {
    "documents": {
        "source": "Where the document was read: a path relative to the config file, plus #line=N or #row=N "
                  "for multi-document files.",
        "title": "Title, if the source gave one.", "date": "Publication date (YYYY-MM-DD), if known.",
        "n_tokens": "Words of the cleaned text (0 when skipped).",
        "status": "analysed or skipped.", "reason": "Why the document was skipped, in full.",
        "encoding": "Text encoding detected (or forced) when reading.",
        "source_line": "The outlet's own source line found in the text (e.g. المصدر : الجزيرة + وكالات).",
        "wire_agencies": "News agencies credited in the text, separated by ';'.",
        "is_wire": "True when the text is shared wire copy (credited to an agency or published by another outlet too).",
        "outlet_inferred": "Outlet inferred from the text's own signature, if any.",
        "duplicate_of": "The earlier document this one duplicates, if any.",
        "reason_kind": "The reason without its details (duplicate, too short, not Arabic, ...): group by this.",
        "duplicate_kind": "exact, near or shared wire copy (the same text published by another outlet: kept and "
                          "counted for each outlet by default).",
        "url": "URL, if the source gave one.", "n_removed": "Pieces of page furniture removed by cleaning.",
        "warnings": "Problems met while reading the document, separated by ' | '.",
    },
    "documents_text": {"text": "The cleaned text (title first when corpus.analyse_titles is on).",
                       "removed": "The lines and strings cleaning removed from the text, as a JSON list."},
    "matches": {
        "source": "Where the document was read (as in documents.csv).",
        "surface": "The words as written in the text.",
        "start": "Character offset of the hit in the document's cleaned text.",
        "end": "Character offset where the hit ends (exclusive).",
        "sentence": "The sentence the hit is in.",
        "sentence_start": "Character offset of the hit's sentence in the document's cleaned text.",
        "sentence_end": "Character offset where the hit's sentence ends (exclusive).",
        "rule": "How the entry matched (form, sequence, lemma ...).",
    },
    "lexicon_entries": {
        "lexicon_version": "Version of the lexicon.", "forms": "Written forms matched, separated by spaces.",
        "sequences": "Multiword sequences matched ('|' between alternatives of a word, '/' between sequences).",
        "n_forms": "Number of written forms.", "sources": "Where the entry comes from (references).",
    },
    "outlet_scores": {"doc_share": "Share of the outlet's documents with at least one hit.",
                      "docs_with_hits": "Documents with at least one hit.", "tokens": "Words of the outlet's analysed documents."},
    "contrasts": {
        "family": "one-vs-rest (an outlet against all others pooled) or pairwise; q-values are corrected per family.",
        "outlet_a": "Side A: an outlet.", "outlet_a_name": "Side A's name.",
        "outlet_b": "Side B: an outlet, or 'rest' (all other outlets).", "outlet_b_name": "Side B's name.",
        "count_a": "Hits on side A.", "count_b": "Hits on side B.", "tokens_a": "Words on side A.",
        "tokens_b": "Words on side B.", "n_docs_a": "Documents on side A.", "n_docs_b": "Documents on side B.",
        "rate_a": "Side A's hits per 1,000 words.", "rate_b": "Side B's hits per 1,000 words.",
        "z": "Standardised test statistic (positive: A uses the category more).",
    },
    "headlines": {"text": "The sentence.", "entry": "For a naming preference: the preferred name.",
                  "share_rest": "The other outlets' share of that name.",
                  "share_ci_low": "Lower end of the share's 95% interval.", "share_ci_high": "Upper end of the share's 95% interval.",
                  "kind": "rate (a rate difference) or naming (a naming preference)."},
    "compare_headlines": {"comparison": "The declared comparison (A vs B).", "text": "The sentence.",
                          "outlet_a": "Side A.", "outlet_b": "Side B."},
    "keyness": {"versus": "What the outlet is compared with: 'rest' (all others) or an outlet.",
                "versus_name": "Name of what it is compared with.", "term": "The word (normalised, clitics split).",
                "count": "Uses of the term by the outlet.", "count_versus": "Uses by the other side.",
                "delta": "Weighted log-odds difference.", "z": "z-score of delta (above 2 is rarely chance).",
                "distinctive": "True when z is above the keyness threshold."},
    "naming_shares": {"axis": "The naming axis (the thing that has several names).", "entry": "One of its names.",
                      "axis_total": "The outlet's mentions of the axis, all names together.",
                      "docs_mentioning": "Documents of the outlet that mention the axis.",
                      "share_rest": "The other outlets' share of this name.", "count": "Mentions using this name."},
    "timeline": {"period": "The period (e.g. 2015-W27 or 2015-07).", "period_start": "First day of the period.",
                 "tokens": "Words of the outlet's documents in the period."},
    "topics": {"label": "A short label from the top words.", "top_words": "The topic's top words (c-TF-IDF).",
               "top_words_normalised": "The same words, normalised.", "size": "Units in the topic.",
               "n_docs": "Documents with a unit in the topic.", "n_outlets": "Outlets with a unit in the topic.",
               "share": "Share of all units.", "is_outlier": "True for the outliers' pseudo-topic.",
               "representative_units": "Units closest to the topic's centre."},
    "topic_mix": {"n_units": "The outlet's units in the topic.", "outlet_units": "All the outlet's units.",
                  "outlet_docs": "The outlet's documents.", "share": "Share of the outlet's units in the topic."},
    "topic_frames": {"topic_tokens": "Words of the outlet's units in the topic.",
                     "share": "Share of the outlet's hits of the category that fall in the topic."},
    "topic_examples": {"similarity": "Similarity of the passage to the topic's centre.", "text": "The passage."},
    "topic_stability": {"seed_a": "Seed of the first fit.", "seed_b": "Seed of the second fit.",
                        "ari": "Adjusted Rand index between the two fits' topics (1 = identical).",
                        "outlier_share_a": "Share of outliers in the first fit.",
                        "outlier_share_b": "Share of outliers in the second fit.",
                        "k_a": "Topics in the first fit.", "k_b": "Topics in the second fit.", "n_units": "Units compared."},
    "topic_units": {"n_tokens": "Words of the unit."},
    "outlet_cv": {"baseline": "The majority baseline's score.", "fold_sd": "Standard deviation across folds.",
                  "folds": "Cross-validation folds.", "n_documents": "Documents used.", "n_outlets": "Outlets.",
                  "baseline_kind": "Which baseline."},
    "outlet_cv_per_outlet": {"precision": "Precision.", "recall": "Recall.", "f1": "F1 score.",
                             "support": "Documents of the outlet in cross-validation."},
    "outlet_confusion": {"true": "The true outlet.", "predicted": "The outlet predicted.",
                         "count": "Documents."},
    "outlet_features": {"feature": "The word or character n-gram.", "kind": "word or char n-gram.",
                        "weight": "The classifier's weight for the outlet."},
    "outlet_mask": {"string": "The masked string.", "kind": "Why it is masked.", "hits": "Occurrences masked.",
                    "documents": "Documents where it was masked."},
}
for name in ("compare",):
    COLUMNS[name] = {**COLUMNS["contrasts"], "family": "declared: the study's own comparisons, corrected as one family.",
                     "comparison": "The declared comparison (A vs B).", "outlet_a": "Side A: a group name or an outlet.",
                     "outlet_b": "Side B: a group name or an outlet.",
                     "side_a": "The outlets of side A, separated by ';'.", "side_b": "The outlets of side B, separated by ';'."}


def describe(table: str, column: str) -> str:
    own = COLUMNS.get(table, {}).get(column) or COMMON.get(column)
    if own:
        return own
    if column.endswith("_topic"):  # the same result computed within topics
        base = column[: -len("_topic")]
        base_text = COLUMNS.get(table, {}).get(base) or COMMON.get(base)
        if base_text:
            return base_text.rstrip(".") + ", within topics (documents compared with others of the same topic and length)."
    return f"{column.replace('_', ' ')} (not described yet)"


def table_description(table: str) -> str:
    return TABLES.get(table, f"Table {table} of this run.")
