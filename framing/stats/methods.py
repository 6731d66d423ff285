"""The methods appendix of the statistics: plain-text paragraphs (no markup), safe to autoescape."""

from __future__ import annotations

TESTS = {
    "rate_interval": "document bootstrap, BCa 95% interval expanded for small n (Hesterberg); exact Poisson "
                     "(Garwood) when 0 hits or 1 document, "
                     "widened to it below min_docs documents",
    "contrast_effect": "rate ratio, stratified document bootstrap BCa 95% interval, widened to the conditional "
                       "binomial interval below min_docs documents",
    "contrast_test": "two-sided document permutation test of the Poisson score statistic, labels permuted within "
                     "document-length bins: Pearson type III approximation with the exact permutation mean, "
                     "variance and skewness; Monte-Carlo permutations for sparse counts",
    "multiplicity": "Benjamini-Hochberg false discovery rate, separately for one-vs-rest and pairwise",
    "keyness": "weighted log-odds ratio with informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)",
    "naming_interval": "document bootstrap BCa; Wilson with documents as sample size when few documents",
    "naming_test": "document permutation score test of the share, one-vs-rest, BH over all naming tests",
}


def versions() -> dict:
    """Versions of the numerical libraries the statistics rest on."""
    import numpy
    import pandas
    import scipy
    import statsmodels

    return {"numpy": numpy.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
            "pandas": pandas.__version__}


def methods(options=None, seed: int | None = None) -> list[dict]:
    """The appendix as a list of {"title": str, "paragraphs": [str, ...]}; plain text, no markup."""
    from framing.stats.options import StatsOptions

    o = options or StatsOptions()
    seed_text = (f"The random seed of this run was {seed}; " if seed is not None
                 else "The random seed is recorded in manifest.json; ")
    return [
        {"title": "Counts and rates", "paragraphs": [
            "Every lexicon hit is counted once in the document where it occurs. For an outlet and a category, "
            "count is the number of hits in that outlet's analysed documents, tokens is the number of words in "
            "those documents, and the rate is count / tokens x 1000, hits per 1,000 words. doc_share is the "
            "share of the outlet's documents with at least one hit.",
            "Hits cluster in documents: an article about a siege uses the word siege many times. All intervals "
            "and tests therefore resample whole documents rather than single hits, so that this clustering "
            "(over-dispersion) widens the uncertainty as it should.",
        ]},
        {"title": "Confidence intervals for rates", "paragraphs": [
            f"The 95% interval of a rate comes from {o.bootstrap} document-bootstrap resamples: the outlet's "
            "documents are drawn with replacement as many times as there are documents, and the rate is recomputed "
            "as the sum of hits over the sum of words. The interval is the bias-corrected and accelerated (BCa) "
            "percentile interval (Efron 1987): the plain percentile interval of a ratio is skewed and too short "
            "when documents differ a lot, and BCa corrects for the median bias of the resampled rates and for "
            "their skewness, the latter estimated from each document's exact influence on the log rate, "
            "hits_i / hits - words_i / words. Because resampling n documents understates their spread, the "
            "normal quantile 1.96 is replaced by sqrt(n/(n-1)) times Student's t quantile with n-1 degrees of "
            "freedom (Hesterberg's expanded interval, 2015; n is the outlet's number of documents, for a ratio "
            "the smaller side's, for a name share the documents that mention the axis). When an outlet has no hit in a category, "
            "or only one document, every resample gives the same rate; there the exact Poisson (Garwood) interval "
            "is given instead (for zero hits: from 0 to 3,689 divided by the outlet's word count, per 1,000 "
            "words). With fewer than "
            f"{o.min_docs} documents the bootstrap cannot see how much documents differ, so its interval is widened "
            "to the exact Poisson interval wherever that is wider (ci_method says which).",
            "No bootstrap interval is exact. In simulations with strongly clustered hits "
            "(benchmarks/coverage_stats.py), intervals from a few tens of documents per outlet were somewhat too "
            "short, covering the true rate less often than 95% of the time, and reached 95% from about 150 "
            "documents per outlet: read the intervals of small outlets as somewhat optimistic.",
        ]},
        {"title": "Differences between outlets", "paragraphs": [
            "Each category is compared one outlet against all other outlets pooled (one-vs-rest), and for every "
            "pair of outlets (pairwise). The effect size is the rate ratio rate_a / rate_b. When one side has no "
            "hits, 0.5 is added to both counts (the Haldane-Anscombe correction) so that the ratio stays finite; "
            "when both sides have none the ratio is left empty. Its 95% interval comes from the same document "
            "bootstrap, resampling each outlet's documents separately (so the pooled rest keeps its outlet mix); "
            "BCa, with "
            "influence values centred within each outlet. "
            f"When either side has fewer than {o.min_docs} documents the interval is widened to the conditional "
            "binomial interval of the ratio (given all hits of both sides, outlet a's share is binomial; Wilson "
            "interval, with the same 0.5 correction when one side has no hits) wherever that is wider.",
            "The p-value comes from a two-sided permutation test over documents: under the null hypothesis the "
            "outlet labels of the compared documents are exchangeable, so they are shuffled, keeping each "
            "document's hits and length together and the group sizes fixed. The statistic is the Poisson score "
            "U = S_a - r x T_a, where S_a and T_a are outlet a's hits and words and r is the pooled rate of the two "
            "groups compared. Because whole documents move, over-dispersion is respected without a "
            "distributional model.",
            f"Labels are shuffled only among documents of similar length: the compared documents are cut into "
            f"{o.length_strata} bins at the quantiles of their length (fewer when that would leave fewer than "
            "40 documents in a bin; a single bin for small comparisons), and each bin keeps its number of "
            "documents from each side. Long articles vary more in their counts than short ones, so when the "
            "smaller outlet writes longer articles an unrestricted shuffle understates the variation and finds "
            "differences too often (in our simulations about twice as often as the 5% level allows); within "
            "length bins the rate is back at 5%. When the two sides' lengths barely overlap (bins would pair "
            "less than half of the smaller side with documents of the other), like cannot be compared with like: "
            "the shuffle is then unrestricted and the contrast carries a warning saying so.",
            "Over the shuffles within a bin s, the bin's part of U has mean m_s x mean(d), variance "
            "m_s(P_s-m_s)/(P_s(P_s-1)) x sum of (d_i - mean)^2 and third moment "
            "m_s(P_s-m_s)(P_s-2m_s)/(P_s(P_s-1)(P_s-2)) x sum of (d_i - mean)^3, where P_s is the number of the "
            "bin's documents, m_s of them from outlet a, and d_i = x_i - r x n_i the residual of document i; bins "
            "are shuffled independently, so these add up. When the smaller "
            f"group expects at least {o.moment_min_hit_docs:g} documents with a hit, the p-value is read from the "
            "Pearson type III curve with these three moments of U: the normal curve of Hajek's combinatorial central "
            "limit theorem, corrected for the skewness that clustered counts keep at moderate sizes (without the "
            "correction the smallest p-values came out about twice too small in our simulations). Otherwise the "
            f"counts are too sparse for that, and {o.permutations} random shuffles "
            "are simulated, bin by bin. When the smaller group has at most 100 documents, or shuffles times "
            "compared documents is at most 2 million (small corpora, and every naming test that needs "
            "simulation), each shuffle draws every document's side afresh. Otherwise only the documents with "
            "hits are relabelled one by one: which of them fall in each group is drawn exactly "
            "(a hypergeometric number of them, as a uniform subset), and the summed length of the documents "
            "without hits that fall in the group is drawn from its normal approximation with exact "
            "finite-population mean and variance, which at the low rates where this branch runs moves U by a "
            "small fraction of one hit. The p-value is twice the smaller tail share, "
            "counting the observed labelling as one shuffle, capped at 1, so it is never below "
            f"{2 / (o.permutations + 1):.1g}. The column p_method says which branch gave each p-value.",
        ]},
        {"title": "Multiple comparisons", "paragraphs": [
            "With many categories and outlets some differences look large by chance. p-values are adjusted with "
            f"the Benjamini-Hochberg procedure at a false discovery rate of {o.fdr:g}, separately for the "
            "one-vs-rest family and the pairwise family (statsmodels multipletests, method fdr_bh). q is the "
            "adjusted p-value; a contrast is called significant when q is below the false discovery rate. A "
            "category with no hits (or no variation) in the documents compared cannot be tested: its p is 1, its "
            "q is left empty and it does not count in the family.",
        ]},
        {"title": "Small-sample warnings", "paragraphs": [
            f"A contrast or rate carries a warning when an outlet has fewer than {o.min_docs} documents, when the "
            f"two sides have fewer than {o.min_hits} hits together, when an outlet's hits all come from fewer than "
            f"{o.min_hit_docs} documents (one article can carry a whole count), when one side has no hits, or "
            "when the two sides' article lengths barely overlap (see above). "
            "A warned result is reported, not hidden: read it as a lead to check in the sentences behind it.",
        ]},
        {"title": "Headlines", "paragraphs": [
            "The summary's sentences are the one-vs-rest rate differences and naming preferences with q below "
            f"the false discovery rate, at most {o.headlines} of each, results without a small-sample warning "
            "first. They are ranked by the smallest difference the data allow: for a rate ratio, the end of its "
            "95% interval nearest to 1; for a name, the lower end of the outlet's share interval minus the other "
            "outlets' share. A large, well-measured difference thus comes before a small one that is "
            "significant only because the corpus is large. A warned result that still makes the list says so in "
            "its sentence.",
        ]},
        {"title": "Keyness", "paragraphs": [
            "Keyness compares the words of one outlet with those of another outlet, or of all other outlets, "
            "using the weighted log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi and Quinn "
            "(2008, Political Analysis 16(4)). For word w, delta = log((y_aw + a_w) / (n_a + a0 - y_aw - a_w)) - "
            "log((y_bw + a_w) / (n_b + a0 - y_bw - a_w)), its variance is 1/(y_aw + a_w) + 1/(y_bw + a_w), and "
            "z = delta / sqrt(variance). y are word counts, n the total counts, and the prior a_w = a0 x (share "
            f"of w in the whole corpus) with strength a0 = {o.keyness_prior:g}.",
            "Words are the normalised tokens with the article and conjunction clitics split off. Function words "
            "from the project's own Arabic stopword list (framing/stats/stopwords_ar.txt), and words used fewer "
            f"than {o.keyness_min_count} times in the whole corpus, are left out. Each comparison lists its "
            f"{o.keyness_top} words with the largest positive z, the words the outlet uses distinctively more; "
            "pairwise comparisons are listed in both directions. The column distinctive marks z of at least 1.96; "
            "with thousands of words compared this is a descriptive guide rather than a test, and a small corpus "
            "may have fewer distinctive words than the list shows.",
        ]},
        {"title": "Naming", "paragraphs": [
            "For a contested name (a naming axis), an outlet's share of a variant is its mentions of that variant "
            "divided by its mentions of any variant of the axis. The 95% interval is a document-bootstrap "
            "BCa interval, because mentions cluster in articles and a binomial interval over mentions "
            f"would be too narrow. When fewer than {o.min_docs} of the outlet's documents mention the axis, or "
            "every one of them has the same share (so that resampling cannot vary it), the Wilson interval "
            "with the number of those documents as the sample size is given instead.",
            "Whether an outlet's share differs from the other outlets' pooled share is tested with the same "
            "document permutation score test as the rates, with each document's mentions of the axis in place "
            "of its words (and bins by the number of mentions), over the documents that mention the axis; "
            "q-values are Benjamini-Hochberg adjusted "
            "over all naming tests. For a two-name axis both names carry the same test.",
        ]},
        {"title": "Rates over time", "paragraphs": [
            "When documents have dates, hits and words are summed per outlet and per week (weeks start on Monday) "
            "or calendar month, and the rate is that outlet's hits per 1,000 of its own words in the period, so "
            "an outlet that published more in one month does not look more intense for that reason. With "
            "time_unit auto, months are used when the dates span more than 180 days, weeks otherwise.",
        ]},
        {"title": "Reproducibility", "paragraphs": [
            seed_text + "bootstrap and permutation draws come from numpy random generators seeded from it, so the "
            "same corpus, configuration and seed give the same numbers. Computed with "
            + ", ".join(f"{k} {v}" for k, v in versions().items()) + ".",
        ]},
    ]
