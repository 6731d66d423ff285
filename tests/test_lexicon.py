"""Lexicon format validation and the matcher's Arabic handling."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from framing.arabic import Normaliser, tokenize
from framing.arabic.clitics import split_clitics
from framing.lexicon import LexiconError, Matcher, lexicon_frame, load_lexicons, parse_lexicon
from framing.lexicon.spellings import clitic_pairs

HEAD = """\
id: test
version: "0.1"
kind: {kind}
language: ar
description: a test lexicon
sources:
  - {{id: ours, cite: "our own test entries"}}
"""


def lex(body: str, kind: str = "frames", name: str = "test.yaml"):
    return parse_lexicon(HEAD.format(kind=kind) + textwrap.dedent(body), name=name)


def cat(entries: str, cid: str = "c1", extra: str = "") -> str:
    return textwrap.dedent(f"""\
        categories:
          - id: {cid}
            label: C one
            label_ar: فئة
            description: d
        {textwrap.indent(extra, '    ')}    entries:
        """) + textwrap.indent(textwrap.dedent(entries), "      ")


def matches(lexicons, text):
    m = Matcher(lexicons if isinstance(lexicons, list) else [lexicons], Normaliser())
    out = m.match(tokenize(text, m.normaliser), text)
    for x in out:
        assert text[x.start:x.end] == x.surface
    return out


# --------------------------------------------------------------------------------------------
# format and errors


def test_valid_lexicon_parses_with_categories_entries_and_forms():
    lx = lex(cat("""\
        - id: e1
          gloss: occupation
          forms: [احتلال, {form: محتل, inflect: adj}]
          sequences: ["الأراضي المحتلة"]
          sources: [ours]
        """))
    assert (lx.id, lx.version, lx.kind) == ("test", "0.1", "frames")
    (c,) = lx.categories
    (e,) = c.entries
    assert (c.id, c.label, c.label_ar, e.id, e.gloss) == ("c1", "C one", "فئة", "e1", "occupation")
    assert [f.word for f in e.forms] == ["احتلال", "محتل"]
    assert "محتلين" in e.forms[1].words()


def test_errors_name_file_line_and_key_path_and_are_all_collected():
    text = HEAD.format(kind="frames") + textwrap.dedent("""\
        categories:
          - id: c1
            label: C
            label_ar: ف
            description: d
            entries:
              - id: good
                gloss: g
                forms: [احتلال]
                sourcs: [ours]
              - id: Bad-Id
                gloss: g
                forms: [انفصال]
                inflect: plural
              - id: third
                gloss: g
                forms: [إرهاب]
                sources: [nowhere]
        """)
    with pytest.raises(LexiconError) as err:
        parse_lexicon(text, name="x.yaml")
    problems = err.value.problems
    lines = text.splitlines()

    def line_of(snippet):
        return next(i + 1 for i, s in enumerate(lines) if snippet in s)

    assert f"x.yaml:{line_of('sourcs')}: categories.c1.entries.good.sourcs: unknown key 'sourcs'" in "\n".join(problems)
    assert "did you mean 'sources'" in "\n".join(problems)
    assert any(p.startswith(f"x.yaml:{line_of('Bad-Id')}:") and "lower-case" in p for p in problems)
    assert any(p.startswith(f"x.yaml:{line_of('plural')}:") and "unknown inflection 'plural'" in p
               for p in problems)
    assert any(p.startswith(f"x.yaml:{line_of('nowhere')}:") and "unknown source 'nowhere'" in p
               for p in problems)
    assert len(problems) == 4
    assert str(err.value).startswith("4 problems in lexicon files:")


def test_missing_required_keys_and_wrong_types():
    with pytest.raises(LexiconError) as err:
        parse_lexicon("id: t\nkind: stories\ncategories: {}\n", name="m.yaml")
    text = str(err.value)
    for key in ("version", "language", "description", "sources"):
        assert f"missing the required key '{key}'" in text
    assert "kind must be one of frames, naming, markers" in text
    assert "categories must be a list" in text


def test_duplicate_yaml_key_and_duplicate_ids():
    body = cat("""\
        - id: e1
          gloss: g
          gloss: h
          forms: [احتلال]
        - id: e1
          gloss: g
          forms: [تحرير]
        """)
    with pytest.raises(LexiconError) as err:
        lex(body, name="d.yaml")
    text = str(err.value)
    assert "duplicate key 'gloss'" in text
    assert "duplicate entry id 'e1'" in text


def test_entry_without_anything_to_match_and_one_word_sequence():
    with pytest.raises(LexiconError) as err:
        lex(cat("""\
            - id: empty
              gloss: g
            - id: seq
              gloss: g
              sequences: ["احتلال"]
            """))
    text = str(err.value)
    assert "needs at least one of forms, sequences or lemmas" in text
    assert "has one word; put it under 'forms'" in text
    with pytest.raises(LexiconError, match="may stand only between words"):
        lex(cat("""\
            - id: seq
              gloss: g
              sequences: ["_ الإرهاب"]
            """))


def test_naming_axis_needs_two_entries():
    with pytest.raises(LexiconError, match="naming axis needs at least two entries"):
        lex(cat("""\
            - id: only
              gloss: g
              forms: [ستيباناكرت]
            """, cid="capital"), kind="naming")


def test_yaml_syntax_error_has_a_line():
    with pytest.raises(LexiconError) as err:
        parse_lexicon("id: t\ncategories: [\n  - x: [\n", name="s.yaml")
    assert err.value.problems[0].startswith("s.yaml:")
    assert ": (yaml): " in err.value.problems[0]


def test_load_lexicons_by_id_by_path_and_unknown(tmp_path: Path):
    shipped = load_lexicons(["conflict", "naming", "attribution"])
    assert [x.id for x in shipped] == ["conflict", "naming", "attribution"]
    assert {x.kind for x in shipped} == {"frames", "naming", "markers"}
    (tmp_path / "mine.yaml").write_text(HEAD.format(kind="markers") + cat("""\
        - id: e1
          gloss: g
          forms: [زعم]
        """), encoding="utf-8")
    (mine,) = load_lexicons(["mine.yaml"], base_dir=tmp_path)
    assert mine.id == "test" and mine.path == tmp_path / "mine.yaml"
    with pytest.raises(LexiconError) as err:
        load_lexicons(["no_such_lexicon", "missing.yaml"], base_dir=tmp_path)
    assert len(err.value.problems) == 2
    assert "no shipped lexicon with this id" in err.value.problems[0]
    assert "conflict" in err.value.problems[0]  # lists what is shipped
    with pytest.raises(LexiconError, match="already used"):
        load_lexicons(["mine.yaml", "mine.yaml"], base_dir=tmp_path)


def test_not_utf8_file(tmp_path: Path):
    p = tmp_path / "cp.yaml"
    p.write_bytes("id: احتلال".encode("cp1256"))
    with pytest.raises(LexiconError, match="not UTF-8"):
        load_lexicons([str(p)])


# --------------------------------------------------------------------------------------------
# matching

@pytest.fixture(scope="module")
def small():
    return lex(cat("""\
        - id: ihtilal
          gloss: occupation
          forms: [{form: احتلال, inflect: noun}]
          exclude: ["* المركز|المرتبة", "* _ المركز"]
        - id: infisali
          gloss: separatist
          forms: [{form: انفصالي, inflect: adj}]
        - id: irhab
          gloss: terrorism
          forms: [{form: إرهاب, inflect: acc}]
        - id: counter
          gloss: counter-terrorism
          sequences: ["مكافحة|محاربة الإرهاب"]
        - id: tahrir
          gloss: liberation
          forms: [تحرير, {form: محرر, inflect: adj}]
          exclude: ["رئيس|اختيار *"]
        - id: zaam
          gloss: claimed
          forms: [زعم, يزعم]
        - id: adana
          gloss: condemned
          forms: [دان]
        - id: wasafa
          gloss: what it described as
          sequences: ["ما|مما وصف|وصفت"]
        - id: rus
          gloss: Russia
          proper: true
          forms: [روسيا]
        """))


def cats(found):
    return [(m.entry, m.surface) for m in found]


def test_proclitics_enclitics_and_their_combinations(small):
    text = "وبالاحتلال للانفصاليين فالانفصالية احتلالها لاحتلاله وكالاحتلال"
    assert cats(matches(small, text)) == [
        ("ihtilal", "وبالاحتلال"), ("infisali", "للانفصاليين"), ("infisali", "فالانفصالية"),
        ("ihtilal", "احتلالها"), ("ihtilal", "لاحتلاله"), ("ihtilal", "وكالاحتلال")]


def test_rules_say_how_it_matched(small):
    got = {m.surface: m.rule for m in matches(small, "وبالاحتلال الانفصاليين احتلال احتلالها")}
    assert got == {"وبالاحتلال": "clitic:و+ب+ال", "الانفصاليين": "clitic:ال;inflect:ين",
                   "احتلال": "exact", "احتلالها": "clitic:~+ها"}


def test_hamza_alef_and_diacritic_variants(small):
    text = "الإرهاب والارهاب وإرهاباً الإرْهَاب"
    assert [m.entry for m in matches(small, text)] == ["irhab"] * 4


def test_article_and_pronoun_never_together(small):
    assert matches(small, "الاحتلاله") == []


def test_short_stems_do_not_take_clitics(small):
    # كما is "as", not ك+ما; only ما / مما are listed
    assert [m.surface for m in matches(small, "كما وصف المستشار الوضع")] == []
    assert [m.surface for m in matches(small, "مما وصفت بالعدوان")] == ["مما وصفت"]


def test_ta_marbuta_is_not_a_pronoun(small):
    assert matches(small, "دانة مدفع") == []  # دانة, not دان + ه
    assert [m.surface for m in matches(small, "دانه الجميع")] == ["دانه"]


def test_false_friend_zaymayn_is_not_zaam(small):
    assert matches(small, "وقال البيان إن الزعمين بحثا الخطوات") == []
    assert [m.entry for m in matches(small, "زعم الناطق ويزعم آخرون")] == ["zaam", "zaam"]


def test_multiword_with_clitics_and_longest_match_counts_once(small):
    found = matches(small, "إجراءات لمكافحة الإرهاب ستستمر")
    assert cats(found) == [("counter", "لمكافحة الإرهاب")]
    assert found[0].rule == "sequence"


def test_multiword_does_not_cross_a_sentence_or_clause_break(small):
    assert cats(matches(small, "مكافحة. الإرهاب")) == [("irhab", "الإرهاب")]
    assert cats(matches(small, "مكافحة، الإرهاب")) == [("irhab", "الإرهاب")]
    assert cats(matches(small, 'مكافحة "الإرهاب"')) == [("counter", 'مكافحة "الإرهاب')]


def test_exclusions_with_star_wildcard_and_plain_phrase(small):
    text = "احتلال المركز الأول واحتلال الفريق المركز الثاني ورئيس التحرير واختيار المحرر والاحتلال"
    m = Matcher([small], Normaliser())
    kept, excluded = m.explain(tokenize(text, m.normaliser), text)
    assert cats(kept) == [("ihtilal", "والاحتلال")]
    assert sorted(e.match.surface for e in excluded) == sorted(["التحرير", "المحرر", "احتلال", "واحتلال"])
    assert {e.level for e in excluded} == {"entry"}


def test_names_take_proclitics_only(small):
    assert [m.surface for m in matches(small, "وروسيا ولروسيا")] == ["وروسيا", "ولروسيا"]
    assert matches(small, "روسياه") == []


def test_offsets_are_into_the_original_text_with_diacritics(small):
    text = "قال: «الاحتِلالُ» انتهى"
    (m,) = matches(small, text)
    assert text[m.start:m.end] == "الاحتِلالُ" == m.surface


def test_lexicons_do_not_compete_but_entries_of_one_lexicon_do(small):
    other = parse_lexicon(textwrap.dedent("""\
        id: other
        version: "1"
        kind: markers
        language: ar
        description: d
        sources: []
        categories:
          - id: t
            label: T
            label_ar: ت
            description: d
            entries:
              - {id: terror, gloss: g, forms: [إرهاب]}
        """), name="other.yaml")
    found = matches([small, other], "مكافحة الإرهاب")
    assert sorted((m.lexicon, m.entry, m.surface) for m in found) == [
        ("other", "terror", "الإرهاب"), ("test", "counter", "مكافحة الإرهاب")]


def test_prefix_forms_from_dictionaries():
    lx = lex(cat("""\
        - id: sep
          gloss: separat*
          forms: ["انفصال*"]
        """))
    assert [m.surface for m in matches(lx, "الانفصاليون وانفصالهم والانفصال والاتصال")] == [
        "الانفصاليون", "وانفصالهم", "والانفصال"]
    assert all(m.rule.endswith("prefix") for m in matches(lx, "الانفصاليون"))


def test_explain_arrays_matches_equal_match_and_is_deterministic(small):
    text = "وبالاحتلال للانفصاليين لمكافحة الإرهاب واختيار المحرر " * 3
    m = Matcher([small], Normaliser())
    tokens = tokenize(text, m.normaliser)
    a = m.match(tokens, text)
    arrays = ([t.surface for t in tokens], [t.norm for t in tokens], [t.start for t in tokens],
              [t.end for t in tokens])
    b = m.explain_arrays(*arrays, text)[0]
    assert a == b == m.match_text(text)


def test_clitic_expansion_agrees_with_split_clitics():
    for word in ("احتلال", "انفصاليين", "ارهاب"):
        for stem, prefix, suffix, _rule in clitic_pairs(word):
            full = prefix + stem + suffix
            assert (prefix, word, suffix) in split_clitics(full), full


def test_naming_matches_carry_axis_and_variant():
    lexicons = load_lexicons(["naming"])
    text = "قصفت أحياء سكنية في ستيباناكيرت (عاصمة الإقليم) التي كانت تسمى خانكندي"
    got = [(m.category, m.entry) for m in matches(lexicons, text) if m.category == "karabakh_capital"]
    assert got == [("karabakh_capital", "stepanakert"), ("karabakh_capital", "khankendi")]


def test_lexicon_frame_has_one_row_per_entry():
    lexicons = load_lexicons(["conflict", "naming", "attribution"])
    frame = lexicon_frame(lexicons)
    for col in ("lexicon", "kind", "category", "category_label", "category_label_ar", "entry", "gloss"):
        assert col in frame.columns
    n_entries = sum(len(c.entries) for x in lexicons for c in x.categories)
    assert len(frame) == n_entries
    row = frame[(frame.category == "karabakh_capital") & (frame.entry == "khankendi")].iloc[0]
    assert (row.lexicon, row.kind) == ("naming", "naming")
    needed = {"occupation", "separatism", "liberation", "terrorism", "aggression", "ethnic_cleansing",
              "mercenaries"}
    assert needed <= set(frame[frame.lexicon == "conflict"].category)
    assert "distancing" in set(frame[frame.lexicon == "attribution"].category)


def test_matcher_pickles_small_and_matches_the_same_after():
    import pickle

    lexicons = load_lexicons(["conflict", "naming", "attribution"])
    m = Matcher(lexicons, Normaliser())
    text = "وأقرت قيادة الانفصاليين بمقتل 23 من عناصرها لمكافحة ما وصفته الإرهاب في ستيباناكيرت"
    data = pickle.dumps(m)
    assert len(data) < 1_000_000  # lexicons and settings, not the compiled tables
    again = pickle.loads(data)
    assert again.match_text(text) == m.match_text(text) != []


def test_morphology_db_argument_errors_clearly(tmp_path):
    from framing.lexicon.camel_lemma import MorphologyUnavailable

    lx = lex(cat("""\
        - id: e
          gloss: g
          lemmas: [سفير]
        """))
    with pytest.raises(MorphologyUnavailable, match="no such morphology database"):
        Matcher([lx], Normaliser(), morphology_db=tmp_path / "none.db")
    with pytest.raises(MorphologyUnavailable):  # named but missing: an error even without lemmas
        Matcher(load_lexicons(["naming"]), Normaliser(), morphology_db=tmp_path / "none.db")
    plain = Matcher([lx], Normaliser(), use_env=False)
    assert plain.analyzer is None and plain.match_text("السفير") == []
