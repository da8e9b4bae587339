"""Find the translatable strings of an app the way makemessages would, without GNU gettext.

Templates go through Django's own `templatize` (the step makemessages runs before xgettext);
the calls it writes and the gettext calls in Python sources are then read with `tokenize` and
`ast`, so the result does not depend on `xgettext` being installed.
"""

import ast
import io
import tokenize
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation.template import templatize

# Function name → position of the msgid among its arguments (context comes first in p*gettext).
GETTEXT_FUNCTIONS = {
    "_": 0,
    "N_": 0,
    "gettext": 0,
    "gettext_lazy": 0,
    "gettext_noop": 0,
    "ngettext": 0,
    "ngettext_lazy": 0,
    "pgettext": 1,
    "pgettext_lazy": 1,
    "npgettext": 1,
    "npgettext_lazy": 1,
}
PLURAL_FUNCTIONS = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
SKIPPED_DIRS = {"migrations", "__pycache__", "locale", "static"}


def _function_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def python_messages(source: str) -> Iterator[tuple[str, str | None]]:
    """(msgid, msgid_plural or None) of every gettext call with literal strings."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _function_name(node.func)
        if name not in GETTEXT_FUNCTIONS:
            continue
        position = GETTEXT_FUNCTIONS[name]
        literals = [
            arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
            for arg in node.args
        ]
        yield from _message(name, position, literals)


def _message(name: str, position: int, args: list) -> Iterator[tuple[str, str | None]]:
    msgid = args[position] if position < len(args) else None
    if msgid is None:
        return
    plural = None
    if name in PLURAL_FUNCTIONS and position + 1 < len(args):
        plural = args[position + 1]
    yield msgid, plural


def template_messages(source: str) -> Iterator[tuple[str, str | None]]:
    """Msgids of {% translate %} / {% blocktranslate %} in a Django template."""
    # templatize writes each call on one line with repr() literals; tokenizing the lines one by
    # one (without their indentation) keeps Python's indentation rules out of the way.
    tokens = [
        token
        for line in templatize(source).splitlines()
        for token in tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline)
    ]
    for i, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in GETTEXT_FUNCTIONS:
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].string != "(":
            continue
        args: list[str] = []
        for following in tokens[i + 2 :]:
            if following.string == ")":
                break
            if following.type == tokenize.STRING:
                args.append(ast.literal_eval(following.string))
        yield from _message(token.string, GETTEXT_FUNCTIONS[token.string], args)


def source_files(folder: Path, only: list[str] | None = None) -> Iterator[Path]:
    if only is not None:
        yield from (folder / name for name in only)
        return
    for path in sorted(folder.rglob("*")):
        if SKIPPED_DIRS & set(path.relative_to(folder).parts):
            continue
        if path.suffix in (".py", ".html", ".txt") and path.is_file():
            yield path


def messages_in(paths) -> dict[str, tuple[str | None, set[Path]]]:
    """msgid → (its plural msgid or None, the files that use it)."""
    found: dict[str, tuple[str | None, set[Path]]] = {}
    for path in paths:
        source = path.read_text(encoding="utf-8")
        extract = python_messages if path.suffix == ".py" else template_messages
        for msgid, plural in extract(source):
            if msgid:
                known_plural, files = found.setdefault(msgid, (plural, set()))
                if known_plural is None and plural is not None:
                    found[msgid] = (plural, files)
                files.add(path)
    return found
