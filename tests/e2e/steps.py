"""The SOP steps as a person does them in the browser, one function a step.

Each function takes a Playwright page signed in as the actor and an `ActionCounter`, starts
from that person's "Tugas Saya" (opening the app is not counted: it is where a practised
user begins), and counts every click and form submission it makes, so a whole-cycle test
can check DESIGN §4: the non-creative steps (1, 3, 4, 5, 6) take at most ten actions.
Typing is not counted (it is the content itself); choosing from a list counts as a click.

Steps 2-4 (draft editor, submission, review) join here once their pages exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
