"""kutip on Apache Spark: the ledgers of a DataFrame of documents, built on ``mapInArrow``.

    from kutip import spark as ks
    ledger = ks.extract(df, text_col="text", id_col="id", model_path="/data/kutip.model")
    ledger.quotes.write.parquet(...); ledger.figures...; ledger.documents...

Each task reads its Arrow batches of documents, runs kutip on them (one thread per task:
Spark's cores are the parallelism) and returns one row per document with its statements and
figures as lists of structs; ``quotes`` and ``figures`` explode those lists. The model file is
shipped to the executors once (``SparkContext.addFile``) and loaded once per Python worker.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterator, NamedTuple, Optional

import kutip

_MODELS: Dict[str, Any] = {}


def _spark_type(kind: str):
    from pyspark.sql import types as T

    return {"str": T.StringType(), "int": T.LongType(), "float": T.DoubleType()}[kind]


def _spec():
    spec: Dict[str, list] = {"quotes": [], "figures": [], "documents": []}
    for table, name, kind in kutip._kutip.column_spec():
        spec[table].append((name, kind))
    return spec


def ledger_schema():
    """The Spark schema of the per-document rows: document columns, then ``quotes`` and
    ``figures`` as arrays of structs (their columns without ``doc_id``)."""
    from pyspark.sql import types as T

    spec = _spec()
    fields = [T.StructField(n, _spark_type(k)) for n, k in spec["documents"]]
    for table in ("quotes", "figures"):
        item = T.StructType([T.StructField(n, _spark_type(k)) for n, k in spec[table] if n != "doc_id"])
        fields.append(T.StructField(table, T.ArrayType(item)))
    return T.StructType(fields)


def _model(name: Optional[str]):
    if not name:
        return None
    if name not in _MODELS:
        from pyspark import SparkFiles

        path = name if os.path.isabs(name) and os.path.exists(name) else SparkFiles.get(name)
        _MODELS[name] = kutip.Model.load(path)
    return _MODELS[name]


def _nested(batches: Dict[str, Any]):
    """One row per document with its quotes and figures as lists, from the flat batches."""
    import pyarrow as pa
    import pyarrow.compute as pc

    docs = batches["documents"]
    arrays = list(docs.columns)
    names = list(docs.schema.names)
    counts = {"quotes": docs.column(docs.schema.names.index("n_quotes")),
              "figures": docs.column(docs.schema.names.index("n_figures"))}
    for table in ("quotes", "figures"):
        flat = batches[table]
        keep = [i for i, n in enumerate(flat.schema.names) if n != "doc_id"]
        struct = pa.StructArray.from_arrays([flat.column(i) for i in keep],
                                            [flat.schema.names[i] for i in keep])
        ends = pc.cumulative_sum(pc.fill_null(counts[table], 0)).cast(pa.int32())
        offsets = pa.concat_arrays([pa.array([0], pa.int32()), ends])
        arrays.append(pa.ListArray.from_arrays(offsets, struct))
        names.append(table)
    return pa.RecordBatch.from_arrays(arrays, names)


def _map(text_col: str, id_col: Optional[str], model: Optional[str], html_col: Optional[str]):
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        m = _model(model)
        for b in batches:
            if b.num_rows == 0:
                continue
            yield _nested(kutip.extract_arrow(b, text=text_col, id=id_col, threads=1, model=m, html=html_col))

    return run


def warc_pages(spark, paths):
    """A DataFrame of the HTML pages in web archives, one task per file, each read as a
    stream (:func:`kutip.read_warc`): columns ``id``, ``html`` (binary), ``charset``,
    ``fetched_url``, ``captured``, ``path``; give it to :func:`extract` with
    ``html_col="html"``."""
    from pyspark.sql import types as T

    schema = T.StructType([T.StructField("id", T.StringType()), T.StructField("html", T.BinaryType())]
                          + [T.StructField(c, T.StringType()) for c in ("charset", "fetched_url", "captured", "path")])
    names = schema.fieldNames()

    def pages(path):
        for d in kutip.read_warc(path):
            yield tuple(d.get(n) for n in names)

    rdd = spark.sparkContext.parallelize(list(paths), max(1, len(paths))).flatMap(pages)
    return spark.createDataFrame(rdd, schema)


class Ledger(NamedTuple):
    """The ledger of a DataFrame: one row per document (with nested lists), and the flat
    statements, figures (each with its document's id and date, ``doc_date``) and documents."""

    rows: Any
    quotes: Any
    figures: Any
    documents: Any


def extract(
    df,
    text_col: str = "text",
    id_col: Optional[str] = "id",
    model_path: Optional[str] = None,
    persist: bool = True,
    html_col: Optional[str] = None,
) -> Ledger:
    """The ledger of ``df`` (a column of texts, optional ids and ``title``/``date``/``url``/
    ``outlet``/``author``). ``model_path`` is a tagger model file on the driver, shipped to
    the executors. With ``persist`` (the default) the per-document rows are kept (memory and
    disk) so that writing the three tables runs kutip once. With ``html_col`` the documents
    are web pages (see :func:`warc_pages`)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    model = None
    if model_path:
        df.sparkSession.sparkContext.addFile(model_path)
        model = os.path.basename(model_path)
    wanted = {text_col, id_col, html_col, "title", "date", "url", "outlet", "author",
              "charset", "fetched_url", "captured", "path"}
    cols = [c for c in df.columns if c in wanted]
    rows = df.select(*cols).mapInArrow(_map(text_col, id_col, model, html_col), ledger_schema())
    if persist:
        rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    spec = _spec()
    items = {}
    for table in ("quotes", "figures"):
        names = [n for n, _ in spec[table] if n != "doc_id"]
        # with the document's date, so that the items can be partitioned by it
        items[table] = rows.select("doc_id", F.col("date").alias("doc_date"), F.explode(table).alias("i")).select(
            "doc_id", *[F.col("i." + n).alias(n) for n in names], "doc_date")
    documents = rows.drop("quotes", "figures")
    return Ledger(rows, items["quotes"], items["figures"], documents)
