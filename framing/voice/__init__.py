"""Whose words is a lexicon hit in: the outlet's, a quoted speaker's, a reported speaker's?

Given a document's cleaned text and the offsets of its hits, :func:`hit_voices` gives each hit

* ``voice``: ``own`` (the outlet's narration), ``quoted`` (inside a direct quotation),
  ``attributed`` (inside indirect speech) or ``scare`` (quotation marks around a short phrase
  that nobody is quoted as saying);
* ``in_title``: whether the hit is in the headline (the first paragraph, when titles are analysed);
* ``speaker``: the named source, as written, when it can be read; else "".

The rules, in the order they are applied (all of them work on one paragraph at a time; a
paragraph is a line of the cleaned text):

1. Quotation marks. « » “ ” „ " ״ and ‘ ’ (and ' next to Arabic letters) are read as opening or
   closing from what stands beside them (a mark after a space and before a word opens; a mark after
   a word and before a space or punctuation closes; a mark with spaces on both sides closes the
   open quotation of its kind, else opens one). Quotations nest; the outermost one decides. A
   quotation still open at the end of its paragraph runs to the end of the paragraph (a quotation
   may hold several sentences) and no further; a closing mark with no opening one closes a
   quotation that began at the start of the paragraph. A paragraph that starts with a quotation
   mark right after a paragraph whose quotation was still open continues that quotation.
2. A quotation of at most four words is a ``scare`` quote unless it is introduced as speech: right
   after a colon, a reporting verb (وصفه بـ«...»، تعهد بـ«...»), or a reporting verb and at most two
   words (وتحدثت أرمينيا عن «...»), the complementiser of a reporting verb (قال إن «...», not كما أن
   «...»), a naming verb (ما أسمته «...»), or followed by its speaker («...»، قال). Introduced, it is
   ``quoted`` like a long one. Marks around a name inside someone's reported words (تؤكد مصادر أن
   إيران تستخدم ورقة «داعش») are the outlet's: ``scare``.
3. A longer quotation is ``quoted``. Its speaker is the subject of the reporting verb before it
   in the same sentence (or in the sentence that ends with a colon just before it), or the one
   named right after it (“...”، قال المتحدث), or, for a continued quotation or a verb without a
   written subject (وأضاف: «...»), the last speaker named before it in the document.
4. Outside quotations, a hit is ``attributed`` when a reporting verb (قال، أكد، أعلن، اعتبر، رأى،
   أضاف، أوضح، زعم، ادعى، اتهم، وصف، أشار، ذكر، أفاد، نفى، حذر، دعا، طالب، أدان، ... with و/ف,
   in past, present and participle forms, with an object pronoun or not) stands before it in the
   same sentence. The governed clause starts at the first complementiser (إن، أن، بأن) or colon
   within sixteen words after the verb (and before any other reporting verb), or, without one,
   after the verb's subject (up to four words, ending at a preposition, a time word or a comma);
   a hit in between is in the speaker's name and stays ``own``. The clause runs to the
   end of the sentence (. ! ? ؟ ؛ or a line break); a later reporting verb in the same sentence
   starts a new clause with its own speaker. Verbs that are also common in other senses (تابع،
   عبر، بين) count only when a complementiser or colon follows them closely.
5. "According to" (بحسب، حسب، وفق ما، طبقا لما، نقلا عن، على لسان، استنادا إلى) followed by a source
   makes its whole sentence ``attributed``, before or after the phrase (وفق ما ذكرت مصادر محلية);
   a hit inside the source's own name stays ``own``. وفق/وفقا/طبقا count only before ما + a
   reporting verb or a source word (مصادر، بيان، وكالة، ...), so وفقا لقرارات الأمم المتحدة does not.
6. A paragraph that opens with one to four words and a colon (a headline's "لافروف: ...") is the
   named speaker's statement, unless those words are a label such as عاجل or بالفيديو.
7. The outlet's own reporters are the outlet's voice: a reporting verb whose subject is a
   correspondent (قال مراسل الجزيرة) or the impersonal يذكر أن / يشار إلى أن does not attribute.

Everything else is ``own``. The rules look at words, not at a parse: they do not see a reporting
verb that comes after the hit in the sentence (except "according to"), nor a speaker whose words
run on without quotation marks into the next sentence. Offsets are those of the text passed in.
"""

from framing.voice.rules import VOICES, Voice, hit_voices, title_end

__all__ = ["VOICES", "Voice", "hit_voices", "title_end"]
