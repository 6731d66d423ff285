"""Helpers shared by the corpus tests: Arabic paragraphs that differ from one another, and a
config built around a temporary folder."""

from __future__ import annotations

import random
from pathlib import Path

from framing.config import load_config

WORDS = (
    "أعلنت وزارة الدفاع في بيان رسمي أن القوات سيطرت على مواقع جديدة قرب المدينة بعد معارك عنيفة "
    "استمرت عدة أيام وقال المتحدث باسم الحكومة إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة "
    "بحضور ممثلين عن الأمم المتحدة والاتحاد الأوروبي وأكد الرئيس أن بلاده لن تقبل أي حل لا يضمن "
    "سلامة المدنيين وعودة النازحين إلى قراهم وأشار التقرير إلى ارتفاع عدد الضحايا وتدمير المنازل "
    "والمدارس والمستشفيات في الإقليم وطالبت منظمات حقوق الإنسان بفتح تحقيق مستقل في الهجمات "
    "الأخيرة ودعت الدول المجاورة إلى وقف إطلاق النار فورا والعودة إلى طاولة الحوار وذكرت مصادر "
    "محلية أن السكان يعانون من نقص حاد في المياه والغذاء والدواء منذ بداية الحصار الذي فرضته "
    "القوات على المنطقة الجبلية وأضاف الوزير أن الاقتصاد الوطني تأثر كثيرا بالحرب والعقوبات"
).split()


def paragraph(seed: int, n_words: int = 60) -> str:
    """An Arabic paragraph of ``n_words`` words, different for every seed, ending a sentence."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(n_words)]
    return " ".join(words) + "."


def article(seed: int, paragraphs: int = 3, n_words: int = 40) -> str:
    return "\n\n".join(paragraph(seed * 100 + i, n_words) for i in range(paragraphs))


def config(base: Path, sources: list, **corpus):
    # these tests look at the cleaned body, so titles are not put before it unless a test asks
    raw = {"title": "test", "lexicons": [], "sources": sources, "corpus": {"analyse_titles": False, **corpus}}
    return load_config(raw, base_dir=base)


def outlets_config(base: Path, outlets: dict[str, list], **corpus):
    raw = {"title": "test", "lexicons": [], "outlets": [{"id": k, "sources": v} for k, v in outlets.items()],
           "corpus": {"analyse_titles": False, **corpus}}
    return load_config(raw, base_dir=base)


def by_source(docs):
    return {d.source: d for d in docs}
