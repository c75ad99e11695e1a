"""Traditional characters to simplified, before any label is looked for.

Web mirrors serve reports converted to traditional characters (規章, 總體情況), some with pinyin
glosses inside words (``規(guī)章``).  Every label table of the project is simplified, so a
text in traditional characters is converted with OpenCC ``t2s``, which works character by
character: the converted text is as long as the original and every offset still points at
the same character.  A gloss is removed, which shifts later offsets; :class:`Normalised`
keeps a map back to the original.  A simplified text is returned unchanged.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

import opencc

OPENCC_CONFIG = "t2s"
# Share of CJK characters t2s changes above which the text is taken as traditional: a
# simplified report has a few characters OpenCC maps anyway (a name, 乾 in 乾净); converting
# those would do no harm, but leaving a simplified text untouched keeps it exactly as written.
TRADITIONAL_SHARE = 0.02
CJK = re.compile(r"[\u4e00-\u9fff]")
TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A pinyin gloss after a character: (guī), (zhāng): latin letters with at least one tone mark.
PINYIN_GLOSS = re.compile(rf"(?<=[\u4e00-\u9fff])[（(][a-zü]*[{TONE_VOWELS}][a-zü{TONE_VOWELS}]*[)）]")


@dataclass(frozen=True)
class Normalised:
    """The simplified text, and where each removed gloss was (to map offsets back)."""

    text: str
    converted: bool
    removed: tuple[tuple[int, int], ...] = ()  # (offset in the new text, characters removed there)

    def original_offset(self, offset: int) -> int:
        """The offset in the original text of a character at ``offset`` in the normalised one."""
        i = bisect.bisect_right([at for at, _ in self.removed], offset)
        return offset + sum(n for _, n in self.removed[:i])


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC(OPENCC_CONFIG)


def _without_glosses(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    parts: list[str] = []
    removed: list[tuple[int, int]] = []
    cursor = shift = 0
    for match in PINYIN_GLOSS.finditer(text):
        parts.append(text[cursor : match.start()])
        removed.append((match.start() - shift, len(match.group(0))))
        shift += len(match.group(0))
        cursor = match.end()
    parts.append(text[cursor:])
    return "".join(parts), tuple(removed)


def looks_traditional(text: str, converted: str) -> bool:
    cjk = len(CJK.findall(text))
    changed = sum(a != b for a, b in zip(text, converted, strict=False))
    return cjk > 0 and changed > cjk * TRADITIONAL_SHARE


def to_simplified(text: str) -> Normalised:
    """The text in simplified characters without pinyin glosses; unchanged when already simplified."""
    converted = _converter().convert(text)
    # Most reports are simplified already: the conversion changes nothing, and one comparison says so.
    if converted == text or len(converted) != len(text) or not looks_traditional(text, converted):
        return Normalised(text, converted=False)
    plain, removed = _without_glosses(converted)
    return Normalised(plain, converted=True, removed=removed)
