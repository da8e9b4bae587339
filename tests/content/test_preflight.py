"""Preflight: a draft with a problem that blocks publishing says what to fix, per platform."""

import pytest

from simedsos.content.preflight import (
    DraftSnapshot,
    MediaInfo,
    MediaKind,
    has_blocking,
    hashtags_in,
    mentions_in,
    post_text,
    preflight_check,
)
from simedsos.publishing.platforms.limits import MB, Platform

ALL = list(Platform)


def image(width=1080, height=1080, mime="image/jpeg", size=500_000, alt="Foto rapat pleno"):
    return MediaInfo(
        kind=MediaKind.IMAGE, mime=mime, bytes=size, width=width, height=height, alt_text=alt
    )


def video(seconds=30.0, mime="video/mp4", size=20 * MB):
    return MediaInfo(
        kind=MediaKind.VIDEO,
        mime=mime,
        bytes=size,
        width=1080,
        height=1920,
        duration_seconds=seconds,
    )


def codes(issues, platform=None):
    return [i.code for i in issues if platform is None or i.platform == platform]


def only(issues, code):
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, issues
    return found[0]


def test_a_good_draft_has_no_issue_anywhere():
    draft = DraftSnapshot(
        caption="Rapat pleno penetapan DPT.",
        hashtags=["KPUKalteng"],
        links=[],
        media=[image()],
    )
    # YouTube takes only video; everything else accepts this post.
    targets = [p for p in ALL if p != Platform.YOUTUBE]
    assert preflight_check(draft, targets) == []
    assert not has_blocking(preflight_check(draft, targets))


class TestCaption:
    def test_empty_caption_blocks_each_platform(self):
        draft = DraftSnapshot(caption="   ", media=[image()])
        issues = preflight_check(draft, [Platform.X, Platform.FACEBOOK])
        assert codes(issues) == ["caption_empty", "caption_empty"]
        assert all(i.blocking and i.field == "caption" for i in issues)
        assert issues[0].message.startswith("X: keterangan kosong.")
        assert issues[1].message.startswith("Facebook: keterangan kosong.")

    def test_variant_replaces_master_and_blank_variant_falls_back(self):
        draft = DraftSnapshot(
            caption="",
            variants={Platform.X: "Khusus X", Platform.FACEBOOK: "  "},
            media=[image()],
        )
        issues = preflight_check(draft, [Platform.X, Platform.FACEBOOK])
        assert codes(issues) == ["caption_empty"]
        assert issues[0].platform == Platform.FACEBOOK
        assert post_text(draft, Platform.X) == "Khusus X"

    def test_variants_keyed_by_stored_value(self):
        draft = DraftSnapshot(caption="Utama", variants={"X": "Khusus X"})
        assert post_text(draft, Platform.X) == "Khusus X"
        assert post_text(draft, Platform.THREADS) == "Utama"

    @pytest.mark.parametrize(
        "platform, limit",
        [
            (Platform.X, 280),
            (Platform.INSTAGRAM, 2200),
            (Platform.THREADS, 500),
            (Platform.BLUESKY, 300),
            (Platform.TIKTOK, 2200),
            (Platform.TELEGRAM, 1024),
            (Platform.FACEBOOK, 63_206),
        ],
    )
    def test_length_limit_boundary(self, platform, limit):
        media = [video()] if platform == Platform.TIKTOK else [image()]
        at_limit = DraftSnapshot(caption="a" * limit, media=media)
        over = DraftSnapshot(caption="a" * (limit + 1), media=media)
        assert "caption_too_long" not in codes(preflight_check(at_limit, [platform]))
        issue = only(preflight_check(over, [platform]), "caption_too_long")
        assert issue.blocking and issue.platform == platform and issue.field == "caption"

    def test_x_message_says_count_limit_and_how_much_to_cut(self):
        draft = DraftSnapshot(caption="a" * 312)
        issue = only(preflight_check(draft, [Platform.X]), "caption_too_long")
        assert (
            issue.message
            == "X: keterangan 312 dari 280 karakter (hitungan X). Pendekkan 32 karakter."
        )

    def test_x_counts_its_own_way(self):
        # 140 CJK characters weigh 280 on X: allowed; one more Latin letter is not.
        assert preflight_check(DraftSnapshot(caption="日" * 140), [Platform.X]) == []
        assert codes(preflight_check(DraftSnapshot(caption="日" * 140 + "a"), [Platform.X])) == [
            "caption_too_long"
        ]
        # A long link counts 23 on X, so this fits on X but not on Bluesky (300 graphemes).
        long_link = "https://jdih.kpu.go.id/" + "p" * 300
        draft = DraftSnapshot(caption=f"Baca {long_link}")
        issues = preflight_check(draft, [Platform.X, Platform.BLUESKY])
        assert codes(issues) == ["caption_too_long"]
        assert issues[0].platform == Platform.BLUESKY

    def test_bluesky_counts_graphemes_at_the_boundary(self):
        family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
        # 300 graphemes is within the length limit, but at 18 bytes each it is over 3000 bytes.
        issues = preflight_check(DraftSnapshot(caption=family * 300), [Platform.BLUESKY])
        assert codes(issues) == ["caption_too_many_bytes"]
        assert "5.400 dari 3.000 bita" in issues[0].message
        accented = "e\u0301" * 300
        assert preflight_check(DraftSnapshot(caption=accented), [Platform.BLUESKY]) == []
        issue = only(
            preflight_check(DraftSnapshot(caption=accented + "x"), [Platform.BLUESKY]),
            "caption_too_long",
        )
        assert issue.message.startswith("Bluesky: keterangan 301 dari 300 karakter")

    def test_telegram_text_only_allows_4096(self):
        text_only = DraftSnapshot(caption="a" * 4096)
        assert preflight_check(text_only, [Platform.TELEGRAM]) == []
        issue = only(
            preflight_check(DraftSnapshot(caption="a" * 4097), [Platform.TELEGRAM]),
            "caption_too_long",
        )
        assert "4.097 dari 4.096" in issue.message
        with_photo = DraftSnapshot(caption="a" * 1025, media=[image()])
        issue = only(preflight_check(with_photo, [Platform.TELEGRAM]), "caption_too_long")
        assert "keterangan media" in issue.message

    def test_youtube_description_counts_bytes(self):
        media = [video()]
        assert (
            preflight_check(DraftSnapshot(caption="é" * 2500, media=media), [Platform.YOUTUBE])
            == []
        )
        issue = only(
            preflight_check(
                DraftSnapshot(caption="é" * 2500 + "a", media=media), [Platform.YOUTUBE]
            ),
            "caption_too_long",
        )
        assert issue.message == (
            "YouTube: keterangan 5.001 dari 5.000 bita (hitungan YouTube). Pendekkan 1 bita."
        )

    def test_hashtags_and_links_are_part_of_the_counted_text(self):
        draft = DraftSnapshot(caption="a" * 270, hashtags=["#Pemilu", "KPU"])
        assert post_text(draft, Platform.X) == "a" * 270 + "\n\n#Pemilu #KPU"
        # 270 + 2 newlines + 12 = 284 > 280
        assert codes(preflight_check(draft, [Platform.X])) == ["caption_too_long"]
        draft = DraftSnapshot(caption="a" * 255, links=["https://jdih.kpu.go.id/x"])
        # 255 + 2 + 23 = 280: exactly the limit
        assert preflight_check(draft, [Platform.X]) == []

    def test_hashtag_already_in_caption_is_not_repeated(self):
        draft = DraftSnapshot(caption="Ayo memilih #pemilu", hashtags=["Pemilu", "#KPU", "kpu"])
        assert post_text(draft, Platform.X) == "Ayo memilih #pemilu\n\n#KPU"


class TestHashtagsAndMentions:
    def test_instagram_30_hashtags_boundary(self):
        ok = DraftSnapshot(caption="Info", hashtags=[f"tag{i}" for i in range(30)], media=[image()])
        over = DraftSnapshot(
            caption="Info", hashtags=[f"tag{i}" for i in range(31)], media=[image()]
        )
        assert preflight_check(ok, [Platform.INSTAGRAM]) == []
        issue = only(preflight_check(over, [Platform.INSTAGRAM]), "too_many_hashtags")
        assert issue.blocking and issue.field == "hashtags"
        assert issue.message == "Instagram: 31 tagar dari batas 30. Hapus 1 tagar."
        # X has no hashtag cap.
        assert "too_many_hashtags" not in codes(preflight_check(over, [Platform.X]))

    def test_hashtags_in_caption_count_too(self):
        caption = " ".join(f"#t{i}" for i in range(31))
        issues = preflight_check(
            DraftSnapshot(caption=caption, media=[image()]), [Platform.INSTAGRAM]
        )
        assert "too_many_hashtags" in codes(issues)

    def test_instagram_20_mentions_boundary(self):
        ok = " ".join(f"@akun{i}" for i in range(20))
        over = ok + " @akun20"
        assert (
            preflight_check(DraftSnapshot(caption=ok, media=[image()]), [Platform.INSTAGRAM]) == []
        )
        issue = only(
            preflight_check(DraftSnapshot(caption=over, media=[image()]), [Platform.INSTAGRAM]),
            "too_many_mentions",
        )
        assert issue.message == "Instagram: 21 sebutan (@akun) dari batas 20. Hapus 1 sebutan."

    def test_extraction_ignores_emails_links_and_repeats(self):
        text = "Hubungi humas@kpu.go.id, @KPU_RI dan @kpu_ri; #Pemilu #pemilu https://x.com/#a"
        assert mentions_in(text) == ["KPU_RI"]
        assert hashtags_in(text) == ["Pemilu"]


class TestLinks:
    def test_links_not_clickable_is_a_warning_only(self):
        draft = DraftSnapshot(caption="Info", links=["https://jdih.kpu.go.id/p/1"], media=[image()])
        issue = only(preflight_check(draft, [Platform.INSTAGRAM]), "links_not_clickable")
        assert not issue.blocking
        assert not has_blocking(preflight_check(draft, [Platform.INSTAGRAM]))

    def test_threads_link_cap(self):
        links = [f"https://jdih.kpu.go.id/p/{i}" for i in range(6)]
        assert (
            preflight_check(DraftSnapshot(caption="Info", links=links[:5]), [Platform.THREADS])
            == []
        )
        issue = only(
            preflight_check(DraftSnapshot(caption="Info", links=links), [Platform.THREADS]),
            "too_many_links",
        )
        assert issue.blocking


class TestAltText:
    def test_missing_alt_text_blocks_once_for_the_draft(self):
        draft = DraftSnapshot(caption="Info", media=[image(), video(), image(alt="  ")])
        issues = preflight_check(draft, [Platform.TELEGRAM, Platform.MANUAL])
        issue = only(issues, "alt_text_missing")
        assert issue.platform is None and issue.blocking
        assert issue.field == "media.3"
        assert issue.message.startswith("Gambar 2 belum memiliki teks alternatif (alt text).")

    def test_videos_need_no_alt_text(self):
        draft = DraftSnapshot(caption="Info", media=[video()])
        assert preflight_check(draft, [Platform.TELEGRAM]) == []


class TestImages:
    @pytest.mark.parametrize(
        "width, height, blocked",
        [
            (1080, 1350, False),  # 4:5, the lower bound itself
            (1079, 1350, True),  # just under 0.8
            (1910, 1000, False),  # 1.91, the upper bound itself
            (1911, 1000, True),
        ],
    )
    def test_instagram_ratio_boundary(self, width, height, blocked):
        draft = DraftSnapshot(caption="Info", media=[image(width, height)])
        assert ("image_ratio" in codes(preflight_check(draft, [Platform.INSTAGRAM]))) is blocked

    def test_ratio_message(self):
        draft = DraftSnapshot(caption="Info", media=[image(), image(3200, 1000)])
        issue = only(preflight_check(draft, [Platform.INSTAGRAM, Platform.X]), "image_ratio")
        assert (
            issue.message
            == "Instagram: gambar 2 rasio 3,20:1 di luar batas 0,8–1,91. Potong gambar."
        )
        assert issue.field == "media.2" and issue.platform == Platform.INSTAGRAM

    def test_unsupported_type(self):
        draft = DraftSnapshot(caption="Info", media=[image(mime="image/png")])
        issue = only(preflight_check(draft, [Platform.INSTAGRAM]), "image_type_unsupported")
        assert issue.message == (
            "Instagram: gambar 1 berformat PNG; yang diterima: JPEG. Simpan ulang sebagai JPEG."
        )
        assert preflight_check(draft, [Platform.X]) == []

    def test_size_boundary(self):
        at = DraftSnapshot(caption="Info", media=[image(size=1_000_000)])
        over = DraftSnapshot(caption="Info", media=[image(size=1_000_001)])
        assert preflight_check(at, [Platform.BLUESKY]) == []
        issue = only(preflight_check(over, [Platform.BLUESKY]), "image_too_large")
        assert issue.message == (
            "Bluesky: gambar 1 berukuran 1.000.001 bita, melebihi batas 1.000.000 bita. "
            "Kompres atau perkecil gambar."
        )
        over_8mb = DraftSnapshot(caption="Info", media=[image(size=8 * MB + 1)])
        issue = only(preflight_check(over_8mb, [Platform.INSTAGRAM]), "image_too_large")
        assert "berukuran 8,01 MB, melebihi batas 8 MB" in issue.message

    def test_x_gif_has_its_own_cap_and_must_be_alone(self):
        gif = image(mime="image/gif", size=10 * MB)
        assert preflight_check(DraftSnapshot(caption="Info", media=[gif]), [Platform.X]) == []
        issues = preflight_check(DraftSnapshot(caption="Info", media=[gif, image()]), [Platform.X])
        assert codes(issues) == ["gif_not_alone"]
        big = image(mime="image/gif", size=15 * MB + 1)
        assert codes(preflight_check(DraftSnapshot(caption="I", media=[big]), [Platform.X])) == [
            "image_too_large"
        ]

    def test_telegram_width_plus_height(self):
        ok = DraftSnapshot(caption="Info", media=[image(5000, 5000)])
        over = DraftSnapshot(caption="Info", media=[image(5001, 5000)])
        assert preflight_check(ok, [Platform.TELEGRAM]) == []
        assert codes(preflight_check(over, [Platform.TELEGRAM])) == ["image_dimensions"]


class TestMediaSet:
    @pytest.mark.parametrize("platform", [Platform.INSTAGRAM, Platform.TIKTOK, Platform.YOUTUBE])
    def test_text_only_not_allowed(self, platform):
        issue = only(preflight_check(DraftSnapshot(caption="Info"), [platform]), "media_required")
        assert issue.blocking and issue.field == "media"

    def test_media_required_message_names_what_to_add(self):
        issues = preflight_check(DraftSnapshot(caption="Info"), [Platform.YOUTUBE, Platform.TIKTOK])
        assert [i.message for i in issues] == [
            "YouTube: unggahan wajib disertai media. Tambahkan video.",
            "TikTok: unggahan wajib disertai media. Tambahkan gambar atau video.",
        ]

    @pytest.mark.parametrize("platform", [Platform.X, Platform.FACEBOOK, Platform.TELEGRAM])
    def test_text_only_allowed(self, platform):
        assert preflight_check(DraftSnapshot(caption="Info"), [platform]) == []

    def test_image_count_boundary(self):
        four = DraftSnapshot(caption="Info", media=[image()] * 4)
        five = DraftSnapshot(caption="Info", media=[image()] * 5)
        assert preflight_check(four, [Platform.X, Platform.BLUESKY]) == []
        issues = preflight_check(five, [Platform.X, Platform.BLUESKY])
        assert "too_many_images" in codes(issues, Platform.X)
        assert "too_many_images" in codes(issues, Platform.BLUESKY)
        x_issue = next(
            i for i in issues if i.platform == Platform.X and i.code == "too_many_images"
        )
        assert x_issue.message == "X: 5 gambar dari batas 4. Hapus 1 gambar."

    def test_instagram_carousel_total(self):
        ten = DraftSnapshot(caption="Info", media=[image()] * 9 + [video()])
        eleven = DraftSnapshot(caption="Info", media=[image()] * 10 + [video()])
        assert preflight_check(ten, [Platform.INSTAGRAM]) == []
        assert codes(preflight_check(eleven, [Platform.INSTAGRAM])) == ["too_many_media"]

    def test_mixing_images_and_video(self):
        draft = DraftSnapshot(caption="Info", media=[image(), video()])
        issue = only(preflight_check(draft, [Platform.X]), "mixed_media")
        assert issue.message == (
            "X: gambar dan video tidak dapat digabung dalam satu unggahan. "
            "Pakai gambar saja atau video saja."
        )
        assert preflight_check(draft, [Platform.TELEGRAM]) == []

    def test_platform_without_images_or_videos(self):
        issues = preflight_check(DraftSnapshot(caption="Info", media=[image()]), [Platform.YOUTUBE])
        assert codes(issues) == ["images_not_supported"]
        # Counting what cannot be posted at all would only add noise.
        two = DraftSnapshot(caption="Info", media=[image(), image()])
        assert codes(preflight_check(two, [Platform.YOUTUBE])) == ["images_not_supported"]
        issues = preflight_check(DraftSnapshot(caption="Info", media=[video()]), [Platform.BLUESKY])
        assert codes(issues) == ["videos_not_supported"]

    def test_unsupported_video_type(self):
        webm = video(mime="video/webm")
        issue = only(
            preflight_check(DraftSnapshot(caption="Info", media=[webm]), [Platform.X]),
            "video_type_unsupported",
        )
        assert "MOV, MP4" in issue.message


class TestVideoDuration:
    @pytest.mark.parametrize(
        "seconds, code",
        [(0.4, "video_too_short"), (0.5, None), (140, None), (140.1, "video_too_long")],
    )
    def test_x_boundaries(self, seconds, code):
        issues = preflight_check(
            DraftSnapshot(caption="Info", media=[video(seconds)]), [Platform.X]
        )
        assert codes(issues) == ([code] if code else [])

    @pytest.mark.parametrize(
        "seconds, code",
        [(2.9, "video_too_short"), (3, None), (900, None), (901, "video_too_long")],
    )
    def test_instagram_boundaries(self, seconds, code):
        draft = DraftSnapshot(caption="Info", media=[video(seconds)])
        assert codes(preflight_check(draft, [Platform.INSTAGRAM])) == ([code] if code else [])

    def test_duration_message(self):
        draft = DraftSnapshot(caption="Info", media=[video(150)])
        issue = only(preflight_check(draft, [Platform.X]), "video_too_long")
        assert issue.message == (
            "X: video 1 berdurasi 2 menit 30 detik, melebihi batas 2 menit 20 detik. Potong video."
        )
        assert issue.field == "media.1"

    def test_video_size_boundary(self):
        ok = DraftSnapshot(caption="Info", media=[video(size=50 * MB)])
        over = DraftSnapshot(caption="Info", media=[video(size=50 * MB + 1)])
        assert preflight_check(ok, [Platform.TELEGRAM]) == []
        assert codes(preflight_check(over, [Platform.TELEGRAM])) == ["video_too_large"]


def test_issues_are_reported_per_platform_in_target_order():
    draft = DraftSnapshot(caption="a" * 600, media=[image(3200, 1000, alt="")])
    issues = preflight_check(draft, [Platform.INSTAGRAM, Platform.X, Platform.THREADS])
    assert [(i.platform, i.code) for i in issues] == [
        (None, "alt_text_missing"),
        (Platform.INSTAGRAM, "image_ratio"),
        (Platform.X, "caption_too_long"),
        (Platform.THREADS, "caption_too_long"),
    ]
    assert has_blocking(issues)


def test_manual_has_no_limits_but_still_needs_caption_and_alt_text():
    draft = DraftSnapshot(caption="a" * 100_000, media=[image(10_000, 100)] * 20 + [video(99_999)])
    assert preflight_check(draft, [Platform.MANUAL]) == []
    assert codes(preflight_check(DraftSnapshot(caption=""), [Platform.MANUAL])) == ["caption_empty"]
