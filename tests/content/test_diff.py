"""The side-by-side revision difference: word level, per field, escaped."""

from simedsos.content.diff import list_diff, revision_diff, word_diff


def rev(**fields):
    base = {"caption": "", "variants": {}, "hashtags": [], "links": [], "media": []}
    base.update(fields)
    return base


def media(media_id, alt="", position=0, name="foto.jpg"):
    return {"media_id": media_id, "alt_text": alt, "position": position, "original_name": name}


def by_key(rows):
    return {row.key: row for row in rows}


def test_words_removed_and_added_are_marked_on_their_side():
    old, new = word_diff("Kenali UU Pemilu hari ini", "Kenali UU Pilkada hari ini")
    assert old == 'Kenali UU <del class="diff-del">Pemilu</del> hari ini'
    assert new == 'Kenali UU <ins class="diff-ins">Pilkada</ins> hari ini'


def test_unchanged_text_has_no_marks_and_keeps_line_breaks():
    old, new = word_diff("Baris satu\nBaris dua", "Baris satu\nBaris dua")
    assert old == new == "Baris satu\nBaris dua"


def test_user_text_is_escaped_everywhere():
    old, new = word_diff("<script>alert(1)</script> a", "<img src=x onerror=alert(1)> a")
    assert "<script>" not in old and "&lt;script&gt;" in old
    assert "<img" not in new and "&lt;img" in new
    left, right = list_diff(["<b>"], ["<i>"])
    assert "&lt;b&gt;" in left and "&lt;i&gt;" in right
    rows = by_key(revision_diff(rev(media=[media(1, "<x>")]), rev(media=[media(1, "<y>")])))
    assert "&lt;x&gt;" in rows["media:1"].old and "&lt;y&gt;" in rows["media:1"].new


def test_every_field_is_compared():
    old = rev(
        caption="Keterangan lama",
        variants={"INSTAGRAM": "IG lama"},
        hashtags=["JDIH"],
        links=["https://a.example/"],
        media=[media(1, "Alt lama", 0, "satu.jpg"), media(2, "Dua", 1, "dua.jpg")],
    )
    new = rev(
        caption="Keterangan baru",
        variants={"INSTAGRAM": "IG lama", "X": "Versi X"},
        hashtags=["JDIH", "KPU"],
        links=["https://b.example/"],
        media=[media(3, "Tiga", 0, "tiga.jpg"), media(1, "Alt baru", 1, "satu.jpg")],
    )
    rows = by_key(revision_diff(old, new))
    assert list(rows) == [
        "caption",
        "variant:INSTAGRAM",
        "variant:X",
        "hashtags",
        "links",
        "media:3",
        "media:1",
        "media:2",
    ]
    assert rows["caption"].changed
    assert not rows["variant:INSTAGRAM"].changed
    assert rows["variant:X"].label == "Keterangan khusus X"
    assert rows["variant:X"].new == '<ins class="diff-ins">Versi X</ins>'
    assert rows["hashtags"].new == '#JDIH <ins class="diff-ins">#KPU</ins>'
    assert '<del class="diff-del">https://a.example/</del>' in rows["links"].old
    assert "Ditambahkan" in rows["media:3"].new and "Tiga" in rows["media:3"].new
    assert "(dihapus)" in rows["media:2"].new and "Dua" in rows["media:2"].old
    moved = rows["media:1"]
    assert moved.changed and "urutan 1 → 2" in moved.new
    assert '<ins class="diff-ins">baru</ins>' in moved.new
    assert moved.label == "Media: satu.jpg"


def test_identical_revisions_show_no_change():
    same = rev(caption="Sama", hashtags=["A"], media=[media(1, "alt")])
    assert not any(row.changed for row in revision_diff(same, dict(same)))
