"""One PDF from many ReportLab chunks, written as it goes: memory stays flat.

ReportLab holds every page of a document until `save()` (about 28 KB a letter), so a
large batch is rendered in chunks of at most 1,000 letters. Each chunk's PDF is copied
object by object into the one output file as soon as it is made: its objects are
renumbered, its page tree is dropped (its pages join the output's single page tree), and
its catalogue and information dictionary are left behind. Only the object offsets and the
page numbers are kept until the end, when the page tree, catalogue, information
dictionary (title) and cross-reference table are written.

The input is always ReportLab's own output (a classic cross-reference table; object
dictionaries with names, numbers and references only, outside the information
dictionary), which is what makes a byte-level copy safe. No ReportLab import here.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from array import array
from typing import BinaryIO

_REF = re.compile(rb"(?<![\d.+\-])(\d+) 0 R\b")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TRAILER_REF = re.compile(rb"/(Root|Info) (\d+) 0 R")
_PAGES = re.compile(rb"/Pages (\d+) 0 R")
_KIDS = re.compile(rb"/Kids \[([^\]]*)\]")
_STREAM = re.compile(rb"\bstream\r?\n")
PAGES, CATALOG, INFO = 1, 2, 3  # the output's own objects


def _pdf_string(text: str) -> bytes:
    """A PDF text string: UTF-16BE with its byte-order mark, as hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


class Assembler:
    """Write chunk PDFs into one file; `close()` finishes it and returns the SHA-256."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._sha = hashlib.sha256()
        self._pos = 0
        self._offsets = array("q", [0, 0, 0, 0])  # object number -> offset; 1–3 are ours
        self._kids = array("q")  # output object numbers of the pages, in order
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    @property
    def pages(self) -> int:
        return len(self._kids)

    def _write(self, data: bytes) -> None:
        self._out.write(data)
        self._sha.update(data)
        self._pos += len(data)

    def add(self, pdf: bytes) -> None:
        """Copy one ReportLab PDF's pages (and what they use) into the output."""
        objects = _objects(pdf)
        trailer = pdf[pdf.rindex(b"trailer") :]
        refs = {name: int(num) for name, num in _TRAILER_REF.findall(trailer)}
        root, info = refs[b"Root"], refs[b"Info"]
        tree = int(_PAGES.search(objects[root]).group(1))  # type: ignore[union-attr]
        skip = {root, info}
        order: list[int] = []
        trees = [tree]
        while trees:  # the chunk's page tree, flattened in order
            node = trees.pop(0)
            skip.add(node)
            kids = _KIDS.search(objects[node])
            nums = [int(n) for n in _REF.findall(kids.group(1))] if kids else []
            for num in nums:
                if b"/Type /Pages" in _dict_part(objects[num]):
                    trees.append(num)
                else:
                    order.append(num)
        base = len(self._offsets)
        mapping: dict[int, int] = {node: PAGES for node in skip if node not in (root, info)}
        for n, old in enumerate(sorted(k for k in objects if k not in skip)):
            mapping[old] = base + n

        def renumber(match: re.Match[bytes]) -> bytes:
            return b"%d 0 R" % mapping[int(match.group(1))]

        for old in sorted(k for k in objects if k not in skip):
            body = objects[old]
            head = _dict_part(body)
            new = mapping[old]
            self._offsets.append(self._pos)
            self._write(b"%d 0 obj\n" % new)
            self._write(_REF.sub(renumber, head))
            self._write(body[len(head) :])
            self._write(b"\nendobj\n")
        self._kids.extend(mapping[p] for p in order)

    def close(self, title: str, author: str) -> str:
        """Write the page tree, catalogue, title and cross-references; the file's SHA-256."""
        self._offsets[PAGES] = self._pos
        self._write(b"1 0 obj\n<< /Type /Pages /Count %d /Kids [" % len(self._kids))
        for start in range(0, len(self._kids), 1000):
            part = self._kids[start : start + 1000]
            self._write(b"".join(b" %d 0 R" % k for k in part))
        self._write(b" ] >>\nendobj\n")
        self._offsets[CATALOG] = self._pos
        self._write(b"2 0 obj\n<< /Type /Catalog /Pages 1 0 R /PageMode /UseNone >>\nendobj\n")
        self._offsets[INFO] = self._pos
        self._write(
            b"3 0 obj\n<< /Title "
            + _pdf_string(title)
            + b" /Author "
            + _pdf_string(author)
            + b" /Creator (Recovery Console) /Producer (ReportLab PDF Library) >>\nendobj\n"
        )
        xref = self._pos
        size = len(self._offsets)
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for start in range(1, size, 1000):
            part = self._offsets[start : min(start + 1000, size)]
            self._write(b"".join(b"%010d 00000 n \n" % off for off in part))
        self._write(
            b"trailer\n<< /Size %d /Root 2 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, xref)
        )
        return self._sha.hexdigest()


def _dict_part(body: bytes) -> bytes:
    """An object's text before its stream data (the whole object when it has none)."""
    match = _STREAM.search(body)
    return body if match is None else body[: match.start()]


def _objects(pdf: bytes) -> dict[int, bytes]:
    """Object number -> its text between `N 0 obj` and `endobj` (ReportLab's xref)."""
    found = _STARTXREF.search(pdf)
    if found is None:
        raise ValueError("not a complete PDF")
    at = int(found.group(1))
    lines = pdf[at:].split(b"\n", 3)
    first, count = (int(x) for x in lines[1].split())
    table = lines[2] + b"\n" + lines[3]
    offsets: dict[int, int] = {}
    for n in range(count):
        entry = table[n * 20 : n * 20 + 18]
        if entry.endswith(b"n"):
            offsets[first + n] = int(entry[:10])
    ends = [*sorted(offsets.values()), at]
    out: dict[int, bytes] = {}
    following = dict(itertools.pairwise(ends))
    for num, start in offsets.items():
        chunk = pdf[start : following[start]]
        begin = chunk.index(b" obj") + 4
        end = chunk.rindex(b"endobj")
        out[num] = chunk[begin:end].strip(b"\r\n")
    return out
