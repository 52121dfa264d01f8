"""Each document's stored entry (index/entry_view.py) and passage postings in a file of their own, uncompressed.

Whoosh keeps a document's stored fields as one zlib-compressed pickle: reading an entry's head for a result meant
inflating its every source and passage too (and an article's whole text), most of a result's cost for a large
entry. Here each document's view and passage postings are one uncompressed pickle (its strings are copied out
whole, never parsed), at an offset read from a table of offsets by document number, from a memory-mapped file.
A version without the file keeps them in Whoosh's stored fields, read as before.
"""

from __future__ import annotations

import mmap
import pickle
from array import array
from pathlib import Path
from typing import Any, BinaryIO

VIEW_FILE = "views.bin"
VIEW_OFFSETS = "views.offsets"  # int64 per document and one more: where each document's pickle begins, and the end


class ViewWriter:
    """Writes the views of documents numbered 0, 1, 2… in the order they are added to the Whoosh index."""

    def __init__(self, path: Path):
        self.path = path
        self._out: BinaryIO = open(path / VIEW_FILE, "wb")  # noqa: SIM115 (closed by finish)
        self._offsets = array("q", [0])
        self._off = False  # documents of an older mapping (no view): everything stays in Whoosh's stored fields

    def add(self, document: dict[str, Any]) -> dict[str, Any]:
        """Take the view and passage postings out of a Whoosh document (returned without them) into the file."""
        if "view" not in document and len(self._offsets) == 1:
            self._off = True
        if self._off:
            if "view" in document:
                raise ValueError(f"{VIEW_FILE}: a document with a view after one without")
            return document
        part = {k: document[k] for k in ("view", "passage_stems")}
        blob = pickle.dumps((part["view"], part["passage_stems"]), protocol=pickle.HIGHEST_PROTOCOL)
        self._out.write(blob)
        self._offsets.append(self._offsets[-1] + len(blob))
        return {k: v for k, v in document.items() if k not in part}

    def finish(self, doc_count: int) -> None:
        """Close the file and write the offsets; the Whoosh index must hold exactly the documents added."""
        self._out.close()
        if self._off:
            (self.path / VIEW_FILE).unlink()
            return
        if doc_count != len(self._offsets) - 1:
            raise ValueError(f"{VIEW_FILE}: {len(self._offsets) - 1} views for {doc_count} documents")
        (self.path / VIEW_OFFSETS).write_bytes(self._offsets.tobytes())

    def cancel(self) -> None:
        """Close the file (the build folder is thrown away)."""
        self._out.close()


class Views:
    """The views of one index folder, memory-mapped."""

    def __init__(self, path: Path):
        self._offsets = array("q")
        self._offsets.frombytes((path / VIEW_OFFSETS).read_bytes())
        with open(path / VIEW_FILE, "rb") as handle:  # the map keeps its own handle on the file
            size = handle.seek(0, 2)
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else None
        if size != self._offsets[-1]:
            raise ValueError(f"{VIEW_FILE} has {size} bytes, its offsets say {self._offsets[-1]}")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def at(self, docnum: int) -> tuple[dict[str, Any], str]:
        """Document `docnum`'s stored view (as index/entry_view.py encodes it) and passage postings."""
        if self._map is None or not 0 <= docnum < len(self):
            raise KeyError(docnum)
        view, stems = pickle.loads(self._map[self._offsets[docnum] : self._offsets[docnum + 1]])
        return view, stems

    def close(self) -> None:
        """Release the map."""
        if self._map is not None:
            self._map.close()


def open_views(path: Path | None) -> Views | None:
    """The views of an index folder, or None when it keeps them in Whoosh's stored fields."""
    if path is None or not (path / VIEW_OFFSETS).is_file() or not (path / VIEW_FILE).is_file():
        return None
    return Views(path)
