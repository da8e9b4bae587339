"""Each platform's own way of measuring a post's text.

Grapheme clusters (what a reader sees as one character: "é" written as e + a combining accent,
a flag, a family emoji joined with ZWJ) come from the `regex` module's `\\X`, which follows the
current Unicode segmentation rules; hand-written segmentation would drift from Unicode.
"""

import unicodedata

import regex

from .limits import Platform, TextCounting, limits_for

GRAPHEME = regex.compile(r"\X")

# An emoji as a reader sees it: a cluster with a character shown as emoji by default, or a
# pictograph followed by the emoji variation selector, or a keycap (1️⃣), or a flag.
_EMOJI_CLUSTER = regex.compile(
    r"\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\u20E3|\p{Regional_Indicator}"
)

# twitter-text config v3 (shared/reference/platform-apis.md §3): scale 100, default weight 200,
# weight 100 for these code point ranges; every URL counts as 23; an emoji counts once at the
# default weight; text is NFC-normalised first.
X_SCALE = 100
X_DEFAULT_WEIGHT = 200
X_LIGHT_RANGES = (
    (0x0000, 0x10FF, 100),
    (0x2000, 0x200D, 100),
    (0x2010, 0x201F, 100),
    (0x2032, 0x2037, 100),
)
X_URL_LENGTH = 23

# Top-level domains that make a bare domain ("jdih.kpu.go.id") a link for X without a scheme.
# twitter-text ships the full IANA list; this is the part seen in Indonesian government posts.
_TLDS = (
    "com|net|org|info|biz|gov|edu|mil|int|web|app|dev|xyz|online|site|news|link|"
    "id|co|io|me|tv|us|uk|au|sg|my|jp|cn|de|fr|nl|ly|to|gl|be|in|ru|eu|ai|tk"
)
URL_PATTERN = regex.compile(
    r"""
    (?:
        \bhttps?://[^\s<>"]+                                   # with a scheme: up to a space
      |
        (?<![\w@./-])                                           # a bare domain, not an e-mail
        (?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:"""
    + _TLDS
    + r""")\b
        (?::\d{1,5})?(?:/[^\s<>"]*)?
    )
    """,
    regex.IGNORECASE | regex.VERBOSE,
)
# Punctuation that ends a sentence is not part of the link before it.
_URL_TRAILING = ".,;:!?)]}'\"…"


def graphemes(text: str) -> list[str]:
    """The text split into user-perceived characters."""
    return GRAPHEME.findall(text)


def is_emoji(cluster: str) -> bool:
    return bool(_EMOJI_CLUSTER.search(cluster))


def find_urls(text: str) -> list[str]:
    """The links in a text, as X and the other platforms recognise them."""
    return [m.group(0).rstrip(_URL_TRAILING) for m in URL_PATTERN.finditer(text)]


def _x_weight(char: str) -> int:
    point = ord(char)
    for start, end, weight in X_LIGHT_RANGES:
        if start <= point <= end:
            return weight
    return X_DEFAULT_WEIGHT


def x_weighted_length(text: str) -> int:
    """Length of a post as X counts it (twitter-text v3 `weightedLength`)."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in URL_PATTERN.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        total += _x_weighted_plain(text[position : match.start()])
        total += X_URL_LENGTH * X_SCALE
        position = match.start() + len(url)
    total += _x_weighted_plain(text[position:])
    return total // X_SCALE


def _x_weighted_plain(text: str) -> int:
    total = 0
    for cluster in GRAPHEME.findall(text):
        if is_emoji(cluster):
            total += X_DEFAULT_WEIGHT
        else:
            total += sum(_x_weight(char) for char in cluster)
    return total


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8"))


def threads_length(text: str) -> int:
    """Threads counts characters, but an emoji by its UTF-8 bytes (the reference's wording,
    §6): count both ways in one pass, taking the bytes for emoji so we never undercount."""
    total = 0
    for cluster in GRAPHEME.findall(text):
        total += utf8_length(cluster) if is_emoji(cluster) else len(cluster)
    return total


def count_text(text: str, counting: TextCounting) -> int:
    """The length of `text` under one counting rule."""
    match counting:
        case TextCounting.CODE_POINTS:
            return len(text)
        case TextCounting.UTF16_UNITS:
            return utf16_length(text)
        case TextCounting.UTF8_BYTES:
            return utf8_length(text)
        case TextCounting.GRAPHEMES:
            return len(GRAPHEME.findall(text))
        case TextCounting.X_WEIGHTED:
            return x_weighted_length(text)
        case TextCounting.THREADS:
            return threads_length(text)
    raise ValueError(f"unknown counting rule {counting!r}")


def text_length(text: str, platform: Platform | str) -> int:
    """The length of `text` as `platform` counts it."""
    return count_text(text, limits_for(platform).text_counting)
