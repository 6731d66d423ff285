"""Arabic stopwords for topic words (the topic stage's own small list).

Topic words must say what a topic is about, so function words and the reporting verbs that open
almost every news paragraph (قال، أضاف، أكد ...) are removed before c-TF-IDF. The list is ours,
written for Modern Standard Arabic news; it is compared after normalisation, so spelling variants
(أ/ا, ة/ه, ى/ي) collapse. A word carrying the conjunction و or ف is a stopword when the rest is.

If ``framing.stats`` ships a shared stopword list (``framing/stats/stopwords.py`` exposing
``STOPWORDS``), it is used too, so keyness and topics drop the same words.
"""

from __future__ import annotations

# Pronouns, demonstratives, relatives, prepositions, conjunctions, particles, auxiliaries.
_FUNCTION_WORDS = """
هو هي هم هن هما أنا نحن أنت أنتم أنتما أنتن إياه إياها إياهم
هذا هذه هذان هاتان هؤلاء ذلك تلك أولئك ذاك هنا هناك هنالك
الذي التي الذين اللذان اللتان اللواتي اللاتي اللائي ما من ماذا متى أين كيف لماذا كم أي أية
في من إلى الى على عن مع عند لدى لدي منذ مذ حتى خلال بين بعد قبل دون نحو حول ضد عبر تحت فوق أمام وراء خلف لدن عدا سوى غير
به بها بهم بهما له لها لهم لهما لنا لي لك فيه فيها فيهم منه منها منهم عليه عليها عليهم عنه عنها عنهم إليه إليها إليهم معه معها معهم
و أو أم ثم بل لكن لكنه لكنها إلا الا إذا اذا إذ لو لولا كي لكي حيث بينما كما كلما مثل مثلما
أن إن أنه أنها أنهم إنه إنها إنهم ان انه انها لأن لان كأن كان كانت كانوا يكون تكون يكونوا ليس ليست ليسوا
قد لقد لا لم لن ما لما سوف سـ هل نعم كلا أجل يا
كل كلها كله جميع بعض أي أحد إحدى أحدى غير نفس ذات عدة أكثر أقل أخرى آخر آخرون أخرين الأخرى الآخر
التى الذى ذلك وهو وهي وفي ومن وعلى وإلى وكان وكانت وقد ولا ولم ولن وأن وإن فقد فإن فان وان
أيضا ايضا فقط حاليا عاما اليوم أمس غدا الآن الان حين حينما عندما بينما لدى تم يتم وتم
"""

# Verbs and nouns of reporting and news furniture: present in nearly every topic.
_NEWS_WORDS = """
قال قالت يقول تقول أضاف أضافت يضيف تضيف أكد أكدت يؤكد تؤكد أشار أشارت يشير تشير أوضح أوضحت يوضح توضح
ذكر ذكرت يذكر تذكر أعلن أعلنت يعلن تعلن أفاد أفادت يفيد تفيد لفت لفتت بين بينت تابع تابعت
مضيفا مشيرا مؤكدا موضحا لافتا وفقا بحسب حسب نقلا طبقا
"""


def _words(block: str) -> list[str]:
    return [w for w in block.split() if w]


_SETS: dict[str, frozenset[str]] = {}


def stopword_set(normaliser) -> frozenset[str]:
    """The stopwords normalised by ``normaliser`` (cached per normaliser version)."""
    key = normaliser.version
    if key not in _SETS:
        words = _words(_FUNCTION_WORDS) + _words(_NEWS_WORDS) + list(shared_stopwords())
        _SETS[key] = frozenset(normaliser.text(w) for w in words)
    return _SETS[key]


def shared_stopwords() -> tuple[str, ...]:
    """The stats stage's list, when it ships one; empty otherwise."""
    try:
        from framing.stats import stopwords as shared  # type: ignore[attr-defined]
    except ImportError:
        return ()
    words = getattr(shared, "STOPWORDS", ())
    return tuple(words)


def stopwords_source() -> str:
    return "framing.topics.stopwords + framing.stats.stopwords" if shared_stopwords() else "framing.topics.stopwords"


def is_stopword(norm: str, stops: frozenset[str]) -> bool:
    if norm in stops:
        return True
    return len(norm) > 2 and norm[0] in "وف" and norm[1:] in stops
