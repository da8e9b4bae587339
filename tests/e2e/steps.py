"""The SOP steps as a person does them in the browser, one function a step.

Each function takes a Playwright page signed in as the actor and an `ActionCounter`, starts
from that person's "Tugas Saya" (opening the app is not counted: it is where a practised
user begins), and counts every click and form submission it makes, so a whole-cycle test
can check DESIGN §4: the non-creative steps (1, 3, 4, 5, 6) take at most ten actions.
Typing is not counted (it is the content itself); choosing from a list counts as a click.

Step 2 (drafting) is the creative work: a test counts it with a counter of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import expect

INBOX = "/konten/tugas/"


@dataclass
class ActionCounter:
    clicks: int = 0
    submits: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.clicks + self.submits

    def click(self, locator, what: str) -> None:
        locator.click()
        self.clicks += 1
        self.log.append(f"klik: {what}")

    def choose(self, locator, value: str, what: str) -> None:
        locator.select_option(label=value)
        self.clicks += 1
        self.log.append(f"pilih: {what} = {value}")

    def submit(self, locator, what: str) -> None:
        locator.click()
        self.submits += 1
        self.log.append(f"kirim: {what}")


def settle(page) -> None:
    """Wait until no htmx request (autosave, preview, alt text) is on its way, so a step
    ends with what the server holds matching what the page shows."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def open_inbox(page) -> None:
    page.goto(INBOX)
    page.get_by_role("heading", level=1, name="Tugas Saya").wait_for()


def task(page, title: str):
    """The inbox entry of one item."""
    return page.locator(".task-list > li", has_text=title)


def item_id_from(page) -> int:
    match = re.search(r"/konten/(\d+)/", page.url)
    assert match, page.url
    return int(match.group(1))


# --- step 1 (Kepala Bagian) ------------------------------------------------------------------


def dispose(
    page,
    counter: ActionCounter,
    *,
    title: str,
    instruction: str,
    assignee: str,
    content_type: str | None = None,
    priority: str | None = None,
) -> int:
    """Open the disposition form from Tugas Saya, fill it and send it; returns the item id.

    The defaults (type Infografis, sifat Biasa, every account ticked, memo written by the
    system) are kept unless given.
    """
    open_inbox(page)
    counter.click(page.get_by_role("link", name="Buat disposisi"), "Buat disposisi")
    page.get_by_label("Judul konten").fill(title)
    page.get_by_label("Petunjuk").fill(instruction)
    if content_type:
        counter.choose(page.get_by_label("Jenis konten"), content_type, "jenis konten")
    if priority:
        counter.click(page.get_by_label(priority, exact=True), f"sifat {priority}")
    counter.choose(page.get_by_label("Staf pelaksana"), assignee, "staf pelaksana")
    counter.submit(page.get_by_role("button", name="Kirim disposisi"), "disposisi")
    page.wait_for_url(re.compile(r"/konten/\d+/$"))
    return item_id_from(page)


# --- step 2 (Staf) ---------------------------------------------------------------------------


def draft(
    page,
    counter: ActionCounter,
    *,
    title: str,
    caption: str,
    image: str | None = None,
    alt_text: str = "",
    leave_unsaved: bool = False,
) -> None:
    """From Tugas Saya: open the draft (starting it when not yet started), upload an image
    with its alt text, and type the caption over what is there. Ends in the editor.

    With `leave_unsaved` the caption is left as typed, its autosave not yet due, as when
    someone hands over straight after typing (the editor must save it first).
    """
    open_inbox(page)
    link = task(page, title).get_by_role("link", name=re.compile("Kerjakan|Lanjutkan"))
    counter.click(link, "Kerjakan")
    page.get_by_role("heading", level=1, name=re.compile("Konsep konten")).wait_for()
    start = page.get_by_role("button", name="Mulai mengerjakan")
    if start.count():
        counter.submit(start, "Mulai mengerjakan")
    page.wait_for_selector("#draft-form[data-state=ready]")
    if image:
        page.set_input_files("#media-file", image)
        counter.submit(page.get_by_role("button", name="Unggah", exact=True), "unggah media")
        page.locator(".media-card").wait_for()
        settle(page)
        page.get_by_label("Teks alternatif (alt text)").fill(alt_text)
        page.locator(".alt-status .autosave-saved").wait_for()
        settle(page)
    box = page.get_by_label("Keterangan utama", exact=True)
    box.fill(caption)
    if leave_unsaved:
        assert page.locator("#draft-form").get_attribute("data-state") == "dirty"
        return
    expect(page.locator("#draft-preview .post-text").first).to_contain_text(caption)
    settle(page)
    box.blur()  # leaving the box saves it
    page.locator("#autosave-status .autosave-saved").wait_for()
    settle(page)


# --- step 3 (Staf) ---------------------------------------------------------------------------


def submit(page, counter: ActionCounter, *, final_check: bool = False) -> None:
    """From the editor: hand the draft over with one click (typed text is saved first), or
    through the final-check page when `final_check`. Ends on the item page."""
    if final_check:
        counter.click(page.get_by_role("link", name="Pemeriksaan akhir dulu"), "pemeriksaan akhir")
        page.get_by_role("heading", level=1, name="Serahkan konsep ke pemeriksa").wait_for()
    counter.submit(page.get_by_role("button", name="Serahkan ke pemeriksa"), "serahkan konsep")
    page.wait_for_url(re.compile(r"/konten/\d+/$"))


# --- step 4 (Kasubbag) -----------------------------------------------------------------------


def open_review(page, counter: ActionCounter, *, title: str) -> None:
    """From Tugas Saya: open the submitted draft; opening it starts the review."""
    open_inbox(page)
    counter.click(task(page, title).get_by_role("link", name=re.compile("Kerjakan")), "Kerjakan")
    page.get_by_role("heading", level=1, name=f"Pemeriksaan konsep: {title}").wait_for()
    page.get_by_text("Pemeriksaan dimulai pukul").wait_for()


def decide(page, counter: ActionCounter, *, approve: bool, comment: str = "") -> None:
    """On the review page: approve, or return with the comment. Ends on the item page."""
    if comment:
        page.get_by_label("Catatan untuk penyusun").fill(comment)
    name = "Setujui" if approve else "Kembalikan untuk diperbaiki"
    counter.submit(page.get_by_role("button", name=name), name.lower())
    page.wait_for_url(re.compile(r"/konten/\d+/$"))


def review(page, counter: ActionCounter, *, title: str, approve: bool, comment: str = ""):
    open_review(page, counter, title=title)
    decide(page, counter, approve=approve, comment=comment)


# --- step 5 (Kepala Bagian) ------------------------------------------------------------------


def order_upload(page, counter: ActionCounter, *, title: str, publish_at: str | None = None):
    """From Tugas Saya: open the upload order of the item and issue it."""
    open_inbox(page)
    counter.click(task(page, title).get_by_role("link", name=re.compile("Kerjakan")), "Kerjakan")
    page.get_by_role("heading", level=1, name="Perintah pengunggahan").wait_for()
    if publish_at:
        page.get_by_label("Jadwal unggah (boleh kosong)").fill(publish_at)
    counter.submit(
        page.get_by_role("button", name="Terbitkan perintah pengunggahan"), "perintah unggah"
    )
    page.wait_for_url(re.compile(r"/konten/\d+/$"))


# --- step 6 (Staf) ---------------------------------------------------------------------------


def publish(page, counter: ActionCounter, *, title: str, urls: dict[str, str]) -> None:
    """From Tugas Saya: start uploading, then record every account's post URL in one go.

    `urls` maps the account as shown (e.g. "Instagram — JDIH Kalteng") to its post address.
    """
    open_inbox(page)
    counter.click(task(page, title).get_by_role("button", name="Mulai mengunggah"), "Mulai")
    page.get_by_role("heading", level=1, name="Pengunggahan konten").wait_for()
    for account, url in urls.items():
        row = page.locator(".pub-row", has=page.get_by_role("heading", name=account, exact=True))
        row.get_by_label("Tautan unggahan").fill(url)
    counter.submit(page.get_by_role("button", name="Catat"), "catat unggahan")
    page.wait_for_url(re.compile(r"/konten/\d+/$"))
