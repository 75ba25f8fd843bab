"""Making untrusted text (resource names, messages, evidence) safe for each output."""

from __future__ import annotations

import re

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WHITESPACE = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()!|<>~&\"'])")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def one_line(text: str, placeholder: str = "-") -> str:
    """Text on a single line: control characters and runs of whitespace become one space."""
    if text.isprintable() and "  " not in text:  # the usual case, without two regex passes
        return text.strip() or placeholder
    flat = _WHITESPACE.sub(" ", _CONTROL.sub(" ", text)).strip()
    return flat or placeholder


def xml_safe(text: str) -> str:
    """Text with the characters XML 1.0 forbids replaced by U+FFFD (escaping is the XML library's job)."""
    if text.isascii() and text.isprintable():
        return text
    return _XML_INVALID.sub("\ufffd", text)


def markdown_inline(text: str, limit: int = 300) -> str:
    """Untrusted text as inert inline Markdown: one line, every markup character backslash-escaped.

    GitHub renders some HTML in Markdown; escaping `<`, `>` and `&` keeps a
    resource named `<script>` literal text.
    """
    flat = one_line(text)
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def csv_cell(text: str) -> str:
    """A cell a spreadsheet will not evaluate and a terminal will not interpret.

    Formula-like text gets a leading apostrophe; C0 control characters other
    than tab and line breaks become U+FFFD.
    """
    text = xml_safe(text)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
