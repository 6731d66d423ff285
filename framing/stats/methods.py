"""The methods appendix of the statistics: plain-text paragraphs (no markup), safe to autoescape."""

from __future__ import annotations

TESTS = {
    "rate_interval": "document bootstrap, BCa 95% interval expanded for small n (Hesterberg); exact Poisson "
                     "(Garwood) when 0 hits or 1 document, "
                     "widened to it below min_docs documents",
    "contrast_effect": "Mantel-Haenszel rate ratio over the test's strata; 95% interval by inverting the "
                       "permutation test; exact conditional (Clopper-Pearson, design-effect adjusted) with few hits "
                       "on a side or sparse counts; crude ratio beside it",
    "contrast_test": "two-sided document permutation test of the Poisson score statistic, labels permuted within "
                     "document-length bins (and topics): Pearson type III approximation with the exact permutation "
                     "mean, variance and skewness; with few hits on a side or sparse counts, the exact conditional "
                     "binomial test (design-effect adjusted) that matches the exact interval",
    "multiplicity": "Benjamini-Hochberg false discovery rate; one family for everything the summary claims "
                    "(one-vs-rest contrasts, topic-adjusted when topics ran, and naming tests), pairwise apart",
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
        {"title": "Whose words are counted", "paragraphs": [
            "Each hit has a voice (column voice of the matches table), read from the text around it by written "
            "rules (framing/voice.py): own, the outlet's narration; quoted, inside a direct quotation; "
            "attributed, inside reported speech or a sentence sourced with \"according to\"; scare, inside "
            "quotation marks around a short phrase that nobody is quoted as saying. "
            + {"own": "In this run rates, intervals, contrasts, naming shares and headlines count the outlet's "
                      "own voice only (stats.voice: own): a frame word a minister says in a quotation, or that "
                      "the outlet reports someone else as saying, is not the outlet's framing.",
               "sourced": "In this run rates, intervals, contrasts, naming shares and headlines count quoted and "
                          "attributed hits only (stats.voice: sourced): the frames of the voices each outlet "
                          "chooses to carry.",
               "all": "In this run rates, intervals, contrasts, naming shares and headlines count every hit "
                      "whatever its voice (stats.voice: all)."}[o.voice],
            "Beside the chosen rates, the voice table gives each outlet's own-voice and sourced rates for every "
            "category (hits per 1,000 words, without intervals) and the speakers named most often in its quoted "
            "and attributed hits. For every naming variant, scare_share is the share of the outlet's mentions "
            "of it, in any voice, that stand in scare quotes, with the interval and test of the naming shares "
            "(the variant in place of the axis, in scare quotes or not in place of its names).",
            "On 459 hits we labelled by hand from SaudiNewsNet, ArMPro and the seed articles, the rules agree "
            "with our labels on 92% (own 92%, quoted 92%, attributed 91%, scare 96%; see "
            "tests/data/voice_guide.md). Their known blind spots: a reporting verb after the hit, "
            "an interviewee's answer without quotation marks, impersonal forms such as يقال.",
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
            "for a name share the documents that mention the axis). When an outlet has no hit in a category, "
            f"or only one document, every resample gives the same rate, and with fewer than {o.min_hits} hits "
            "resamples without a hit pull the lower end to 0, which a single observed hit rules out; there the "
            "exact Poisson (Garwood) interval (with few hits, its upper end widened to the bootstrap's) "
            "is given instead (for zero hits: from 0 to 3,689 divided by the outlet's word count, per 1,000 "
            "words). With fewer than "
            f"{o.min_docs} documents the bootstrap cannot see how much documents differ, so its interval is widened "
            "to the exact Poisson interval wherever that is wider (ci_method says which). A rate with hits never "
            "has a lower end of 0: it is at least the exact Poisson lower end for the number of documents with a "
            "hit.",
            "No bootstrap interval is exact. In simulations with strongly clustered hits "
            "(benchmarks/coverage_stats.py), intervals from a few tens of documents per outlet were somewhat too "
            "short, covering the true rate less often than 95% of the time, and reached 95% from about 150 "
            "documents per outlet: read the intervals of small outlets as somewhat optimistic.",
        ]},
        {"title": "Differences between outlets", "paragraphs": [
            "Each category is compared one outlet against all other outlets pooled (one-vs-rest), and for every "
            "pair of outlets (pairwise). The effect size beside each test estimates what the test tests: the "
            "Mantel-Haenszel rate ratio over the same length bins (and topics, below) that the test shuffles within, "
            "RR = sum_s (a_s T_bs / T_s) / sum_s (b_s T_as / T_s), with a_s, b_s the two sides' hits and T_as, T_bs "
            "their words in bin s (Rothman & Greenland, Modern Epidemiology, ch. 15). The crude ratio of the pooled "
            "rates, rate_a / rate_b, is given beside it (ratio_crude). With no hits on one side the ratio is 0 or "
            "without bound, never corrected to a finite number; with none on either side it is left empty.",
            "Its 95% interval comes from the test itself: it holds the ratios rho that the permutation test does not "
            "reject once outlet a's hits are divided by rho (the inversion of a permutation test; the score U is zero "
            "exactly at the Mantel-Haenszel ratio). At rho = 1 this is the test, so the interval excludes 1 exactly "
            "when the test's p is below 0.05 (for p-values read from the curve below). Where a side's hits sit in "
            "so few articles that no ratio on one side could be rejected, that end of the interval is 0 or without "
            f"bound. When a side has fewer than {o.min_hits} hits (zero included), or the test had to simulate its "
            "shuffles (sparse counts), the interval is the exact conditional one instead: given the hits of both "
            "sides in the bins where both have documents, outlet a's count is binomial with share "
            "T_a rho / (T_a rho + T_b) per bin; Clopper-Pearson bounds on the mean share are mapped to rho, after "
            "dividing the counts by the test's design effect (its shuffle variance over the variance it would have "
            "if hits were independent; Rao & Scott 1992), at least 1 and at most the mean number of hits per "
            "document with a hit (a design effect cannot exceed the mean cluster size), so that clustered hits "
            "widen it. An outlet "
            "with no hits gets the bound 0 on its side: no interval lies wholly on the side opposite to the counts. "
            "These contrasts are also tested in that same model (p_method 'exact conditional binomial, design-effect "
            "adjusted': twice the smaller binomial tail at rho = 1), so their test and interval agree; the "
            "permutation test is not used there, because with a handful of hits its score is driven by how the two "
            "sides' article lengths differ within a length bin rather than by the hits. With very few hits this "
            "exact test is conservative: under no difference it rejects less often than 5% of the time. "
            "ci_method says which interval each contrast has. A 95% interval is a statement about one contrast; "
            "q is about the whole family, so a 95% interval can exclude 1 while q is above the false discovery "
            "rate. fcr_low and fcr_high give, for every tested contrast, the interval that matches q: the same "
            "interval at the level 1 - R x FDR / m, where R of the m tests of its family are significant "
            "(Benjamini & Yekutieli 2005, false coverage-statement rate); it excludes 1 exactly when q is below the "
            "false discovery rate (for p-values read from the curve). The Greenland-Robins (1985) standard error of "
            "the log "
            "ratio ignores clustering, so it is not used.",
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
            f"{2 / (o.permutations + 1):.1g}. The column p_method says which branch gave each p-value, and the "
            "report shows it beside every p (p_display): 'Pearson III curve' or 'Monte-Carlo, N permutations'. "
            "A simulated p at its floor is shown as a bound (at most the floor), and so is a curve p below 1e-6 "
            "(less than 1e-06), since the curve's far tail is not checked against simulations (tests/test_stats_ratio.py checks it against "
            "20,000 shuffles over a grid of sparse and dense cases, where p is above 0.002).",
        ]},
        {"title": "Multiple comparisons", "paragraphs": [
            "With many categories and outlets some differences look large by chance. p-values are adjusted with "
            f"the Benjamini-Hochberg procedure at a false discovery rate of {o.fdr:g} (statsmodels multipletests, "
            "method fdr_bh). Everything the summary claims is corrected as one family, 'summary': every tested "
            "one-vs-rest contrast (compared within topics when the topic stage ran, otherwise by length bins only) "
            "together with every naming test (one per outlet and axis for a two-name axis, whose two rows carry the "
            "same test). Pairwise contrasts, shown only in the tables, form the family 'pairwise' ('pairwise, within "
            "topics' for the adjusted ones), and when topics ran the one-vs-rest contrasts by length bins only, shown "
            "beside the adjusted ones, form 'one-vs-rest, length only'. The column fdr_family names each row's "
            "family. q is the adjusted p-value; a contrast is called significant when q is below the false "
            "discovery rate. A category with no hits (or no variation) in the documents compared cannot be tested: "
            "its p is 1, its q is left empty and it does not count in any family.",
        ]},
        {"title": "Comparing like with like: topics", "paragraphs": [
            "Outlets differ in what they cover (a sports daily and a news agency), so a whole-outlet ratio mixes "
            "framing with agenda. When the topic stage runs, each document gets the topic that holds most of its "
            "words (its paragraphs' topics weighted by length; documents without a topic unit form a group of their "
            "own), and every contrast is computed a second time with documents shuffled only within the same topic "
            "and length bin, its Mantel-Haenszel ratio and interval taken over those same bins (columns ending in "
            "_topic). A difference that is only topic mix vanishes there; the summary leads with these adjusted "
            "results and says how many conclusions adjustment changes.",
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
            "Words are the normalised tokens with the article (and the conjunctions and prepositions before it) "
            "split off. A conjunction or preposition (و ف ب ل ك) before a word without the article is split off "
            "when what remains is itself a word used at least as often in the corpus (وقال counts as قال; وزير "
            "stays, as زير is rare). Words that name an outlet or a credited agency (the one-word outlet names "
            "and aliases of the config, one-word source lines, one-word agency names such as واس; the same list "
            "the outlet classifier masks) are left out: they show who wrote a text, not how it frames events. "
            "Where a longer name or credit occurs (الشرق الأوسط, عين اليوم, وكالة الأنباء السعودية), its words are "
            "not counted there; elsewhere they count as usual. "
            "Function words "
            "from the project's own Arabic stopword list (framing/arabic/stopwords_ar.txt), and words used fewer "
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
