"""Each platform counts a post's text its own way."""

import pytest

from simedsos.publishing.platforms.limits import Platform, TextCounting
from simedsos.publishing.platforms.text_counting import (
    count_text,
    find_urls,
    graphemes,
    text_length,
    threads_length,
    x_weighted_length,
)

THUMBS_UP = "\U0001f44d"  # 👍, one code point outside the BMP
THUMBS_UP_DARK = "\U0001f44d\U0001f3fd"  # 👍🏽 with a skin-tone modifier
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧: 5 code points, 1 grapheme
FLAG_ID = "\U0001f1ee\U0001f1e9"  # 🇮🇩
E_COMBINING = "e\u0301"  # "é" as e + combining acute: 2 code points, 1 grapheme
KEYCAP_1 = "1\ufe0f\u20e3"  # 1️⃣


class TestGraphemes:
    @pytest.mark.parametrize(
        "text, expected",
        [
            ("abc", 3),
            (E_COMBINING, 1),
            (THUMBS_UP_DARK, 1),
            (FAMILY, 1),
            (FLAG_ID + FLAG_ID, 2),
            (KEYCAP_1, 1),
            ("नमस्ते", 3),  # Devanagari conjuncts
            ("日本語", 3),
        ],
    )
    def test_user_perceived_characters(self, text, expected):
        assert len(graphemes(text)) == expected
        assert count_text(text, TextCounting.GRAPHEMES) == expected


class TestX:
    def test_latin_counts_one(self):
        assert x_weighted_length("Pemilu 2029") == 11

    def test_cjk_counts_two(self):
        assert x_weighted_length("日本語") == 6
        assert x_weighted_length("a日") == 3

    @pytest.mark.parametrize("emoji", [THUMBS_UP, THUMBS_UP_DARK, FAMILY, FLAG_ID, KEYCAP_1])
    def test_any_emoji_sequence_counts_two(self, emoji):
        assert x_weighted_length(emoji) == 2
        assert x_weighted_length("ok " + emoji) == 5

    def test_text_is_nfc_normalised_first(self):
        # e + combining accent becomes one code point under NFC: 1, not 2.
        assert x_weighted_length(E_COMBINING) == 1
        assert x_weighted_length("caf" + E_COMBINING) == 4

    def test_light_punctuation_ranges(self):
        # U+2014 em dash and U+2019 quote are in twitter-text's weight-100 ranges;
        # U+2122 (™) is not.
        assert x_weighted_length("\u2014\u2019") == 2
        assert x_weighted_length("\u2122") == 2

    def test_every_url_counts_23(self):
        short = "https://t.co/a"
        long = "https://jdih.kpu.go.id/peraturan/" + "x" * 100
        assert x_weighted_length(short) == 23
        assert x_weighted_length(long) == 23
        assert x_weighted_length(f"Baca {long} sekarang") == len("Baca ") + 23 + len(" sekarang")

    def test_bare_domain_is_a_url_but_email_is_not(self):
        assert x_weighted_length("jdih.kpu.go.id") == 23
        assert x_weighted_length("www.example.com/a/b") == 23
        assert x_weighted_length("humas@kpu.go.id") == len("humas@kpu.go.id")

    def test_sentence_punctuation_after_url_counts_itself(self):
        assert x_weighted_length("Lihat https://kpu.go.id.") == 6 + 23 + 1
        assert find_urls("(lihat https://kpu.go.id)") == ["https://kpu.go.id"]

    def test_exact_limit(self):
        assert text_length("a" * 280, Platform.X) == 280
        assert text_length("a" * 279 + "日", Platform.X) == 281


class TestOtherPlatforms:
    def test_instagram_and_facebook_count_code_points(self):
        text = "caf" + E_COMBINING + THUMBS_UP
        assert text_length(text, Platform.INSTAGRAM) == 6
        assert text_length(text, Platform.FACEBOOK) == 6

    def test_bluesky_counts_graphemes(self):
        text = FAMILY * 3 + E_COMBINING
        assert text_length(text, Platform.BLUESKY) == 4

    def test_telegram_and_tiktok_count_utf16_units(self):
        assert text_length(THUMBS_UP, Platform.TELEGRAM) == 2
        assert text_length(FAMILY, Platform.TIKTOK) == 8
        assert text_length("日本", Platform.TELEGRAM) == 2

    def test_youtube_counts_utf8_bytes(self):
        assert text_length("a", Platform.YOUTUBE) == 1
        assert text_length("é", Platform.YOUTUBE) == 2
        assert text_length("日", Platform.YOUTUBE) == 3
        assert text_length(THUMBS_UP, Platform.YOUTUBE) == 4

    def test_threads_counts_emoji_by_utf8_bytes(self):
        assert threads_length("halo") == 4
        assert threads_length(THUMBS_UP) == 4
        assert threads_length(FAMILY) == 18
        assert threads_length("日本") == 2
        assert text_length("a" + THUMBS_UP, Platform.THREADS) == 5
