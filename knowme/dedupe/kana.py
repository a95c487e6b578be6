"""Japanese kana to Hepburn-style romaji, so "カトウ レイ" (a phone's phonetic name) meets "Rei Kato".

Phones store a Japanese contact's reading in kana (vCard X-PHONETIC-*, Google's "Phonetic"
columns) while LinkedIn and work address books spell the same person in Latin letters. Long
vowels are folded the way names are romanised in practice (Katou, Katō -> kato).
"""
from __future__ import annotations

from knowme.runtime import big_cache

_BASE = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o", "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so", "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te",
    "ト": "to", "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no", "ハ": "ha", "ヒ": "hi", "フ": "fu",
    "ヘ": "he", "ホ": "ho", "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo", "ヤ": "ya", "ユ": "yu",
    "ヨ": "yo", "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro", "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o",
    "ン": "n", "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go", "ザ": "za", "ジ": "ji", "ズ": "zu",
    "ゼ": "ze", "ゾ": "zo", "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do", "バ": "ba", "ビ": "bi",
    "ブ": "bu", "ベ": "be", "ボ": "bo", "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po", "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o",
}
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}


def _katakana(text: str) -> str:
    """Hiragana folded to katakana (they differ by a fixed code point offset)."""
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)


def is_kana(text: str) -> bool:
    stripped = text.replace(" ", "").replace("\u3000", "")
    return bool(stripped) and all("\u3041" <= ch <= "\u30ff" for ch in stripped)


@big_cache(50_000)
def romaji(text: str) -> str:
    """Romaji of a kana word or words ("アスカ フジワラ" -> "asuka fujiwara"); other text unchanged."""
    out: list[str] = []
    chars = _katakana(text.replace("\u3000", " "))
    double_next = False
    for ch in chars:
        if ch == "ッ":
            double_next = True
            continue
        if ch in _SMALL_Y and out:
            prev = out.pop()
            stem = prev.removesuffix("i")
            syllable = (stem if stem.endswith(("sh", "ch", "j")) else stem + "y") + _SMALL_Y[ch]
        elif ch == "ー":
            continue  # a long vowel mark: names drop it (Sato, not Satoo)
        else:
            syllable = _BASE.get(ch, ch)
        if double_next and syllable and syllable[0] not in "aeiou":
            syllable = syllable[0] + syllable
        double_next = False
        out.append(syllable)
    word = "".join(out)
    return " ".join(_fold_long(part) for part in word.split())


def _fold_long(word: str) -> str:
    """Kato for Katou, Yuki for Yuuki, Ohno for Oono: how names drop long vowels in Latin letters."""
    return word.replace("ou", "o").replace("uu", "u").replace("oo", "o")
