"""kutip: ledgers of attributions from Indonesian news.

Who said what, and which figures are claimed on whose authority. The ledgers are the ones the
``kutip`` command line writes (schema ``kutip/1``, see docs/ledger.md), as Python dicts::

    import kutip
    led = kutip.extract("“Kami siap,” kata Menteri Ani.")
    led["quotes"][0]["speaker"]["name"]          # 'Ani'

    leds = kutip.extract_many([{"id": "a", "text": ...}, ...], threads=2)
    batches = kutip.extract_arrow(record_batch)  # {"quotes", "figures", "documents"}
"""

from __future__ import annotations

import json as _json
import warnings as _warnings
from collections.abc import Mapping as _Mapping
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Union

from . import _kutip
from ._kutip import KutipError, Model

__all__ = [
    "Ledger",
    "read_warc",
    "extract",
    "extract_many",
    "extract_arrow",
    "arrow_schemas",
    "Model",
    "KutipError",
    "__version__",
]
__version__ = _kutip.__version__

Document = Union[str, bytes, Mapping[str, Any]]


class Ledger(_Mapping):
    """A document's ledger: a read-only mapping with the fields of the JSON contract
    (``id``, ``schema``, ``meta``, ``blocks``, ``quotes``, ``figures``, ``entities``, and
    ``text`` for a page). The values are built the first time a field is read, so a run over
    many documents pays for the Python objects only of the ledgers it looks at.
    """

    __slots__ = ("_json", "_dict")

    def __init__(self, raw: Union[str, bytes]):
        self._json = raw
        self._dict: Optional[Dict[str, Any]] = None

    def to_dict(self) -> Dict[str, Any]:
        """The ledger as plain dicts and lists (the same object on every call)."""
        if self._dict is None:
            self._dict = _json.loads(self._json)
        return self._dict

    def to_json(self) -> str:
        """The ledger as one line of JSON, as ``kutip extract`` writes it."""
        if isinstance(self._json, bytes):
            self._json = self._json.decode("utf-8")
        return self._json

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.to_dict()[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        d = self.to_dict()
        return f"<kutip.Ledger {d.get('id')!r}: {len(d.get('quotes', []))} quotes, {len(d.get('figures', []))} figures>"


def extract(
    text: str,
    id: Optional[str] = None,
    meta: Optional[Mapping[str, Optional[str]]] = None,
    model: Optional[Model] = None,
    html: bool = False,
) -> Ledger:
    """The ledger of one document.

    ``meta`` may give ``title``, ``date``, ``url``, ``outlet``, ``author``, ``path``; ``model``
    is a :class:`Model` (the tagger) or None for the rules alone. With ``html=True`` the text
    is a web page: its main text is analysed and the ledger carries it as ``text``. Raises
    :class:`KutipError` when the pipeline fails on the document.
    """
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    return Ledger(_kutip.extract_json(text, id, dict(meta) if meta else None, model, html))


def extract_many(
    documents: Iterable[Document],
    threads: Optional[int] = None,
    model: Optional[Model] = None,
) -> List[Ledger]:
    """The ledgers of many documents, in input order, run in parallel without the GIL.

    A document is a str or a dict with ``text`` (or ``html``) and optional ``id`` (default:
    its index), ``title``, ``date``, ``url``, ``outlet``, ``author``, ``path``; or bytes of one
    JSON line as ``kutip extract`` reads them, so a JSON-lines file opened in binary mode can
    be given as it is (blank lines are no document; the lines are read off the GIL). ``threads``
    defaults to the number of cores. When documents fail, :class:`KutipError` names each
    after all have run.
    """
    return [Ledger(s) for s in _kutip.extract_many_json(documents, threads, model)]


def read_warc(path: Any, errors: str = "warn") -> Iterator[Dict[str, Any]]:
    """The HTML pages of a web archive (``.warc`` or ``.warc.gz``, Common Crawl's format),
    streamed one record at a time, as documents :func:`extract_many` takes: ``{"id",
    "html" (bytes), "charset", "fetched_url", "captured", "path"}``. Records that hold no HTML
    page are skipped; a damaged one is a warning (``errors="warn"``), a :class:`KutipError`
    (``"raise"``) or nothing (``"ignore"``), and reading goes on.
    """
    for d in _kutip.WarcPages(str(path)):
        if "error" in d:
            if errors == "raise":
                raise KutipError(d["error"])
            if errors == "warn":
                _warnings.warn(d["error"], stacklevel=2)
            continue
        yield d



def arrow_schemas() -> Dict[str, Any]:
    """The pyarrow schemas of the three tables of :func:`extract_arrow`."""
    import pyarrow as pa

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64()}
    fields: Dict[str, list] = {"quotes": [], "figures": [], "documents": []}
    for table, name, kind in _kutip.column_spec():
        fields[table].append(pa.field(name, types[kind]))
    return {t: pa.schema(f) for t, f in fields.items()}


_PAGE_COLUMNS = ("charset", "fetched_url", "captured", "path")


def _documents_of(batch: Any, text: str, id: Optional[str], html: Optional[str] = None) -> List[Dict[str, Any]]:
    names = batch.schema.names
    body = html if html else text
    if body not in names:
        raise KeyError(f"the batch has no column {body!r} (columns: {names})")
    texts = batch.column(names.index(body)).to_pylist()
    ids = batch.column(names.index(id)).to_pylist() if id and id in names else None
    meta_cols = [c for c in ("title", "date", "url", "outlet", "author") if c in names]
    if html:
        meta_cols += [c for c in _PAGE_COLUMNS if c in names]
    metas = {c: batch.column(names.index(c)).to_pylist() for c in meta_cols}
    docs = []
    for i, t in enumerate(texts):
        d: Dict[str, Any] = {"html" if html else "text": t if t is not None else ""}
        d["id"] = str(ids[i]) if ids is not None and ids[i] is not None else str(i)
        for c in meta_cols:
            v = metas[c][i]
            if v is not None:
                d[c] = str(v)
        docs.append(d)
    return docs


def extract_arrow(
    batch: Any,
    text: str = "text",
    id: Optional[str] = "id",
    threads: Optional[int] = None,
    model: Optional[Model] = None,
    html: Optional[str] = None,
) -> Dict[str, Any]:
    """Ledgers of a pyarrow RecordBatch (or Table) of documents as flat record batches.

    Reads the ``text`` column, the ``id`` column when there is one (else the row number), and
    ``title``, ``date``, ``url``, ``outlet``, ``author`` when present. Returns
    ``{"quotes", "figures", "documents"}``: one row per statement, figure and document with
    the document's id and the item's offsets (the columns of ``columns.tsv``; a document the
    pipeline failed on has ``error`` set and no rows elsewhere). With ``html`` naming a
    column of web pages (str or bytes; e.g. from :func:`read_warc`), the pages are read
    instead of ``text``, with ``charset``, ``fetched_url``, ``captured``, ``path`` when present.
    """
    import pyarrow as pa

    if isinstance(batch, pa.Table):
        batches = batch.combine_chunks().to_batches()
        batch = batches[0] if batches else pa.RecordBatch.from_pylist([], schema=batch.schema)
    docs = _documents_of(batch, text, id, html)
    cols = _kutip.extract_columns(docs, threads, model)
    return {t: pa.record_batch(cols[t]) for t in ("quotes", "figures", "documents")}
