"""The ledger of a corpus on Apache Spark: documents in (JSON lines or Parquet with a `text`
column and optional `id`, `title`, `date`, `url`, `outlet`; or web archives, .warc/.warc.gz,
read as streams one task per file), Parquet out, partitioned by date.

Locally, on two cores:

    python3 examples/spark_ledger.py --master 'local[2]' \\
        ../shared/data/news/detik.jsonl out/

On a cluster (the kutip wheel installed on every node, or shipped with --py-files is not
enough: it holds a native module, so install it, e.g. with a bootstrap action or a conda
env):

    spark-submit --master yarn --deploy-mode cluster \\
        --conf spark.sql.execution.arrow.maxRecordsPerBatch=512 \\
        examples/spark_ledger.py --model hdfs:///models/kutip.model \\
        hdfs:///crawl/news/*.parquet hdfs:///ledger/

Writes OUT/quotes, OUT/figures (partitioned by the document's `date`, its day) and
OUT/documents.
"""

import argparse
import os
import sys
import time


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", help="JSON lines or Parquet files (or globs)")
    ap.add_argument("out", help="output folder")
    ap.add_argument("--master", help="Spark master (default: as spark-submit says)")
    ap.add_argument("--model", help="a tagger model file (kutip train), shipped to executors")
    ap.add_argument("--text", default="text", help="the text column")
    ap.add_argument("--id", default="id", help="the id column")
    ap.add_argument("--repeat", type=int, default=1, help="repeat the input (for benchmarks)")
    ap.add_argument("--partitions", type=int, help="repartition the input into this many parts")
    a = ap.parse_args(argv)

    from pyspark.sql import SparkSession, functions as F
    from kutip import spark as ks

    b = SparkSession.builder.appName("kutip-ledger")
    if a.master:
        b = b.master(a.master)
    spark = b.getOrCreate()
    def is_parquet(p):
        return p.endswith(".parquet") or (os.path.isdir(p) and any(
            f.endswith(".parquet") for f in os.listdir(p)))

    warc = [p for p in a.inputs if p.endswith((".warc", ".warc.gz"))]
    parquet = [p for p in a.inputs if is_parquet(p)]
    jsonl = [p for p in a.inputs if not is_parquet(p) and p not in warc]
    frames = []
    if warc:
        frames.append(ks.warc_pages(spark, warc))
    if jsonl:
        frames.append(spark.read.json(jsonl))
    if parquet:
        frames.append(spark.read.parquet(*parquet))
    df = frames[0]
    for f in frames[1:]:
        df = df.unionByName(f, allowMissingColumns=True)
    # at least a task per core
    cores = spark.sparkContext.defaultParallelism
    if a.partitions:
        df = df.repartition(a.partitions)
    elif df.rdd.getNumPartitions() < cores:
        df = df.repartition(2 * cores)
    if a.repeat > 1:
        # copies with distinct ids, for measuring
        reps = spark.range(a.repeat).withColumnRenamed("id", "_rep")
        df = df.crossJoin(reps).withColumn(a.id, F.concat_ws("#", F.col(a.id), F.col("_rep"))).drop("_rep")
    t0 = time.time()
    html = "html" if warc and not (parquet or jsonl) else None
    led = ks.extract(df, text_col=a.text, id_col=a.id, model_path=a.model, html_col=html)
    led.documents.withColumn("day", F.substring("date", 1, 10)).write.mode("overwrite").parquet(a.out + "/documents")
    for name, t in (("quotes", led.quotes), ("figures", led.figures)):
        t.withColumn("day", F.substring("doc_date", 1, 10)).write.mode("overwrite").partitionBy("day").parquet(f"{a.out}/{name}")
    n = led.documents.count()
    secs = time.time() - t0
    print(f"kutip: {n} documents in {secs:.1f} s ({n / secs:.0f} documents/s)", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
