"""Read the flowchart table of a rendered SOP document into plain data (stdlib parser)."""

from html.parser import HTMLParser


class FlowchartParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.header_roles: list[str] = []
        self._row: dict | None = None
        self._cell: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "th" and "sop-actor-head" in (a.get("class") or ""):
            self.header_roles.append(a.get("data-role"))
        if tag == "tr" and "data-step" in a:
            self._row = {"number": int(a["data-step"]), "cells": []}
        elif self._row is not None and tag == "td":
            self._cell = {"class": a.get("class") or "", "role": a.get("data-role"), "text": ""}
            self._cell["symbols"] = []
            self._row["cells"].append(self._cell)
        elif self._cell is not None and tag == "svg":
            self._cell["symbols"].append(a.get("class") or "")

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data


def parse_flowchart(html: str) -> tuple[list[str], list[dict]]:
    parser = FlowchartParser()
    parser.feed(html)
    return parser.header_roles, parser.rows


def squash(text: str) -> str:
    return " ".join(text.split())
