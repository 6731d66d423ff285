"""Context rules (``not_when``): the format, the loader's checks, the matcher and the lint."""

from __future__ import annotations

import textwrap

import pytest

from framing.arabic import Normaliser, tokenize
from framing.lexicon import LexiconError, Matcher, parse_lexicon
from framing.lexicon.lint import lint_lexicon
from framing.lexicon.senses import rule_example_problems, rule_scopes

HEAD = """\
id: test
version: "0.1"
kind: {kind}
language: ar
description: a test lexicon
sources:
  - {{id: ours, cite: "our own test entries"}}
categories:
  - id: liberation
    label: Liberation
    label_ar: تحرير
    description: d
    entries:
      - id: tahrir
        gloss: liberation
        forms: [تحرير]
"""


def lex(rules: str, kind: str = "frames", name: str = "rules.yaml"):
    body = HEAD.format(kind=kind) + textwrap.indent(textwrap.dedent(rules), " " * 8)
    return parse_lexicon(body, name=name)


def explain(lx, text):
    m = Matcher([lx], Normaliser())
    return m.explain(tokenize(text, m.normaliser), text)


RULES = """\
not_when:
  - id: names
    names: ["جيش التحرير الشعبي", "منظمة التحرير"]
    examples: {positive: ["جيش التحرير الشعبي الصيني"], negative: ["تحرير الأرض"]}
  - id: newsroom
    left: [رئيس|رئيسة, مدير]
    window: 2
    examples: {positive: ["رئيس مجلس التحرير"], negative: ["رئيس الوزراء يعلن تحرير المدينة"]}
  - id: money
    right: [أموال|الأموال, رهائن|الرهائن]
    examples: {positive: ["تحرير الأموال"], negative: ["تحرير الأراضي"]}
"""


def test_rules_parse_at_entry_level_with_defaults():
    lx = lex(RULES)
    rules = lx.categories[0].entries[0].not_when
    assert [r.id for r in rules] == ["names", "newsroom", "money"]
    assert rules[0].names == ("جيش التحرير الشعبي", "منظمة التحرير") and rules[0].window == 1
    assert rules[1].left == ("رئيس|رئيسة", "مدير") and rules[1].window == 2
    assert rules[2].right == ("أموال|الأموال", "رهائن|الرهائن")
    assert rules[1].positive == ("رئيس مجلس التحرير",)
    assert rules[0].line == 18  # the line of its first key


def test_one_rule_may_be_written_as_a_mapping():
    lx = lex("not_when: {left: [ميدان], examples: {positive: [ميدان التحرير], negative: [تحرير الأرض]}}\n")
    (rule,) = lx.categories[0].entries[0].not_when
    assert rule.left == ("ميدان",) and rule.label == f"not_when (line {rule.line})"


def test_names_are_clitic_and_normalisation_aware():
    lx = lex(RULES)
    for text in ["لمنظمة التحرير الفلسطينية", "وجيش التحرير الشعبى", "في منظمه التحرير"]:
        hits, excluded = explain(lx, text)
        assert not hits, text
        assert excluded[0].rule.id == "names" and excluded[0].phrase.startswith("name: ")


def test_context_words_and_names_never_gain_an_article():
    """رئيس التحرير is a newsroom; أعلن الرئيس تحرير المدينة is liberation. جيش التحرير is a name;
    قام الجيش بتحرير المدينة is liberation."""
    lx = lex(RULES)
    assert not explain(lx, "رئيس التحرير")[0]
    assert [m.surface for m in explain(lx, "أعلن الرئيس تحرير المدينة")[0]] == ["تحرير"]
    assert [m.surface for m in explain(lx, "قام الجيش بتحرير المدينة")[0]] == ["بتحرير"]
    assert [m.surface for m in explain(lx, "جيش بتحرير الشعبي")[0]] == ["بتحرير"]  # inner words as written


def test_left_words_within_the_window_and_not_beyond():
    lx = lex(RULES)
    assert not explain(lx, "رئيس التحرير")[0]
    assert not explain(lx, "ورئيسة هيئة التحرير")[0]  # clitic و, two words away
    hits, _ = explain(lx, "رئيس مجلس إدارة التحرير")  # three words away: outside window 2
    assert [m.surface for m in hits] == ["التحرير"]


def test_right_words_with_clitics_and_the_excluded_record():
    lx = lex(RULES)
    hits, excluded = explain(lx, "بعد تحرير أموالهم")
    assert not hits
    (x,) = excluded
    assert (x.match.surface, x.phrase, x.level, x.rule.id) == ("تحرير", "right: أموالهم", "entry", "money")
    assert [m.surface for m in explain(lx, "تحرير الأرض والأموال")[0]] == ["تحرير"]  # window 1


def test_context_does_not_cross_clause_punctuation_or_lines():
    lx = lex(RULES)
    for text in ["قال الرئيس، تحرير المدينة قريب", "تحرير. الأموال", "مدير\nتحرير الأرض"]:
        assert [m.surface for m in explain(lx, text)[0]] == ["تحرير"], text


def test_rules_at_category_and_lexicon_level_apply_to_their_entries():
    text = HEAD.format(kind="frames").replace(
        "    entries:\n", "    not_when: {left: [ميدان], examples: {positive: [ميدان التحرير], negative: [تحرير الأرض]}}\n"
                         "    entries:\n") + "not_when: {right: [الأسعار]}\n"
    lx = parse_lexicon(text, name="levels.yaml")
    assert len(lx.categories[0].not_when) == 1 and len(lx.not_when) == 1
    (x,) = explain(lx, "ميدان التحرير")[1]
    assert x.level == "category"
    (x,) = explain(lx, "تحرير الأسعار")[1]
    assert x.level == "lexicon"


@pytest.mark.parametrize("rules,message", [
    ("not_when: {lft: [جيش]}\n", "unknown key 'lft' in a not_when rule (did you mean 'left'?)"),
    ("not_when: {window: 2}\n", "a not_when rule needs at least one of left, right or names"),
    ("not_when: {names: [منظمة التحرير], window: 2}\n", "window counts the words searched for left and right"),
    ("not_when: {left: [جيش], window: 0}\n", "window must be a whole number of words from 1 to 10"),
    ("not_when: {left: [جيش], window: many}\n", "window must be a whole number of words from 1 to 10"),
    ("not_when: {left: [رئيس الوزراء]}\n", "left word 'رئيس الوزراء' has several words"),
    ("not_when: {right: ['*']}\n", "'*' may only end a word"),
    ("not_when: {names: [التحرير]}\n", "name 'التحرير' has one word"),
    ("not_when: {names: ['منظمة *']}\n", "write the name as it is read, without '*'"),
    ("not_when: [جيش]\n", "a not_when rule must be a mapping of keys"),
    ("not_when: جيش\n", "not_when must be a mapping (one rule) or a list of rules"),
    ("not_when: {left: [جيش], examples: {good: [x]}}\n", "unknown key 'good' in examples"),
    ("not_when: [{id: a, left: [جيش]}, {id: a, right: [الأموال]}]\n", "duplicate not_when rule id 'a'"),
])
def test_loader_rejects_bad_rules_naming_file_line_and_key(rules, message):
    with pytest.raises(LexiconError) as err:
        lex(rules)
    problem = next((p for p in err.value.problems if message in p), None)
    assert problem is not None, err.value.problems
    assert problem.split(":")[:2] in (["rules.yaml", "17"], ["rules.yaml", "18"]) and "categories.liberation.entries.tahrir.not_when" in problem


def test_distances_is_only_for_markers_and_needs_a_reach():
    with pytest.raises(LexiconError, match="distances is for markers lexicons"):
        lex("distances: {right: 4}\n")
    with pytest.raises(LexiconError, match="distances needs left or right"):
        lex("distances: {right: 0}\n", kind="markers")
    with pytest.raises(LexiconError, match="unknown key 'after' in distances"):
        lex("distances: {after: 4}\n", kind="markers")
    entry = lex("distances: {right: 4}\n", kind="markers").categories[0].entries[0]
    assert (entry.distances.left, entry.distances.right) == (0, 4)


def test_rule_examples_are_checked_both_ways():
    lx = lex(RULES)
    m = Matcher([lx], Normaliser())
    for scope in rule_scopes(lx):
        assert rule_example_problems(m, lx, scope) == [], scope.key
    bad = lex("""\
        not_when:
          - id: money
            right: [أموال|الأموال]
            examples: {positive: ["تحرير الأرض"], negative: ["تحرير الأموال", "لا شيء هنا"]}
        """)
    (scope,) = rule_scopes(bad)
    problems = dict(rule_example_problems(Matcher([bad], Normaliser()), bad, scope))
    assert "the rule removes nothing here" in problems[f"{scope.key}.examples.positive[0]"]
    assert "the rule removes 'تحرير'" in problems[f"{scope.key}.examples.negative[0]"]
    assert "has no hit of the rule's entries" in problems[f"{scope.key}.examples.negative[1]"]


def test_lint_reports_failing_rule_examples_names_and_missing_examples():
    lx = lex("""\
        not_when:
          - id: money
            right: [أموال]
            examples: {positive: ["تحرير الأرض"], negative: ["تحرير الأراضي"]}
          - id: names
            names: ["رئيس الوزراء"]
        """)
    found = {(f.code, f.key) for f in lint_lexicon(lx)}
    assert ("rule-example", "categories.liberation.entries.tahrir.not_when.money.examples.positive[0]") in found
    assert ("rule-name", "categories.liberation.entries.tahrir.not_when.names.names[0]") in found
    assert ("no-examples", "categories.liberation.entries.tahrir.not_when.names") in found


# --------------------------------------------------------------------------------------------
# distancing constructions: the frame word is someone else's


@pytest.fixture(scope="module")
def shipped():
    from framing.lexicon import load_lexicons

    return Matcher(load_lexicons(["conflict", "naming", "attribution"]), Normaliser())


def _marked(matcher, text):
    return [(m.lexicon, m.category, m.surface, m.distanced) for m in matcher.match_text(text)]


@pytest.mark.parametrize("text,distanced", [
    ("لمكافحة ما وصفته الإرهاب", ["الإرهاب"]),
    ('وقف ما وصفه بـ"الإرهاب" الأرميني', ["الإرهاب"]),
    ("والانسحاب مما وصفها بالأراضي الأذربيجانية المحتلة", ["المحتلة"]),
    ("لوقف ما وصفته بعدوان أذربيجان في قره باغ", ["بعدوان"]),  # the place is the reporter's
    ("ضد ما وصفته بالاحتلال والعدوان", ["بالاحتلال", "والعدوان"]),
    ("في ما يسمى بجمهورية آرتساخ", ["آرتساخ"]),
    ("ضمن ما يعرف بتنظيم الدولة", ["بتنظيم الدولة"]),
    ("الاحتلال الأرميني المزعوم", ["الاحتلال"]),
    ("ما وصفه بالجيد، والاحتلال مستمر", []),  # across a comma: the reporter's own word
    ("كما وصف المستشار الوضع بالحرج ودعا لوقف العدوان", []),  # كما وصف is not ما وصف
    ("ندين الإرهاب والاحتلال", []),
])
def test_distancing_marks_the_frame_words_it_reaches(shipped, text, distanced):
    marked = _marked(shipped, text)
    assert [s for lx, _c, s, d in marked if d] == distanced, marked
    # the marker itself stays a distancing hit and is never distanced
    assert all(not d for lx, c, s, d in marked if lx == "attribution")
    if distanced:
        assert any(c == "distancing" for lx, c, s, d in marked)


def test_the_distanced_flag_reaches_data_matches(tmp_path):
    from framing.analyse import DocumentAnalyser
    from framing.lexicon import load_lexicons

    matcher = Matcher(load_lexicons(["conflict", "attribution"]), Normaliser())
    analyser = DocumentAnalyser(matcher.normaliser, matcher)
    text = "أعلنت الوزارة مكافحة ما وصفته الإرهاب. وندين الإرهاب."
    packed = analyser.run_chunk([("d1", text)]).documents([text])[0]  # through a worker's packing
    assert [(m.surface, m.distanced) for m in packed.matches if m.category == "terrorism"] == [
        ("الإرهاب", True), ("الإرهاب", False)]
    from framing.analyse.tables import MATCH_COLUMNS, match_frame
    from framing.records import Document

    frame = match_frame([Document("d1", "o", "x.txt", text)], [packed])
    assert list(frame.columns) == MATCH_COLUMNS
    assert frame.loc[frame.category == "terrorism", "distanced"].tolist() == [True, False]


def test_unless_lifts_a_rule_where_its_words_stand():
    lx = lex("""\
        not_when:
          - id: army_name
            names: ["جيش التحرير"]
            unless: {right: [الأرض|للأرض], window: 2}
        """)
    assert not explain(lx, "جيش التحرير الشعبي")[0]
    assert [m.surface for m in explain(lx, "جيش التحرير للأرض")[0]] == ["التحرير"]
    assert lx.categories[0].entries[0].not_when[0].unless.window == 2


@pytest.mark.parametrize("rules,message", [
    ("not_when: {names: [جيش التحرير], unless: {names: [جيش التحرير الشعبي]}}\n", "unknown key 'names' in unless"),
    ("not_when: {names: [جيش التحرير], unless: {window: 2}}\n", "unless needs left or right words"),
    ("not_when: {names: [جيش التحرير], unless: [{left: [جيش]}]}\n", "unless is one mapping"),
])
def test_loader_rejects_bad_unless(rules, message):
    with pytest.raises(LexiconError, match=message):
        lex(rules)
