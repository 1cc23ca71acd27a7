"""The candidate pairs of a sharded corpus on Spark: exactly what `dedup join`
finds on one machine.

Usage:
    spark-submit contrib/spark/dedup_join.py SKETCHES OUT

SKETCHES is a directory (local, hdfs://, s3a://...) holding the sketch files
of every shard of one corpus, as `dedup sketch --shard I/N --out SKETCHES`
writes them. OUT, which must not exist, becomes a directory of part files,
one `A,B` line of article numbers per candidate pair (a pair found by two
steps comes twice), which `dedup merge --sketches SKETCHES --candidates OUT`
verifies and reports. Each step runs as Spark jobs described by its name:
with `--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=DIR`,
`python3 contrib/spark/shuffle_bytes.py DIR/APP_ID ARTICLES` tells the bytes
each step shuffled.

The pairs, as `dedup join` (src/shard/join.rs) makes them:
1. copies: articles with the same shingle set (`set`), each paired with the
   first of them; only that first one (a distinct set) goes on;
2. bands: distinct sets equal in some LSH band (`bands`);
3. containment: the exact prefix filter of src/neardup/containment.rs.
   Shingles in two or more sets are ordered by (sets holding them, value);
   a set's prefix is its first `prefix - unshared` of them, and it pairs
   with every set no smaller holding a shingle of its prefix.
Only numbers are shuffled: band keys and shingles as 64-bit values (top bit
flipped, so that signed order is the unsigned order dedup uses), article
numbers and counts. Bands take about 0.5 KB an article; containment needs
every shingle's count of sets, so it shuffles every shingle of every set.
"""

import sys

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType

FORMAT = "dedup-sketch/2"

# What the job reads of a sketch file: the header's shard and corpus, and
# each record's keys. Event features and the rest are never parsed into rows.
SCHEMA = StructType(
    [
        StructField("format", StringType()),
        StructField("shard", LongType()),
        StructField("shards", LongType()),
        StructField(
            "corpus",
            StructType(
                [
                    StructField("articles", LongType()),
                    StructField("fingerprint", StringType()),
                ]
            ),
        ),
        StructField("ordinal", LongType()),
        StructField("set", StringType()),
        StructField("prefix", LongType()),
        StructField("bands", StringType()),
        StructField("shingles", StringType()),
    ]
)


def u64s(column):
    """A base64 list of big-endian 64-bit values as longs, top bit flipped."""
    hexes = F.expr(f"regexp_extract_all(hex(unbase64(`{column}`)), '[0-9A-F]{{16}}', 0)")

    def word(h, start):
        return F.conv(F.substring(h, start, 8), 16, 10).cast("long")

    return F.transform(
        hexes,
        lambda h: F.shiftleft(word(h, 1).bitwiseXOR(F.lit(1 << 31)), 32).bitwiseOR(word(h, 9)),
    )


def pair(x, y):
    """The pair of two article numbers, smaller first."""
    return F.struct(F.least(x, y).alias("a"), F.greatest(x, y).alias("b"))


def checked_corpus(rows):
    """Exits unless every shard of one corpus is there, once."""
    headers = rows.where(F.col("format").isNotNull()).select("format", "shard", "shards", "corpus")
    headers = headers.collect()
    if not headers:
        sys.exit("dedup_join: no sketch files")
    formats = {h.format for h in headers}
    corpora = {(h.shards, h.corpus.articles, h.corpus.fingerprint) for h in headers}
    if formats != {FORMAT} or len(corpora) != 1:
        sys.exit(f"dedup_join: want {FORMAT} sketches of one corpus, found {formats} {corpora}")
    shards = corpora.pop()[0]
    if sorted(h.shard for h in headers) != list(range(shards)):
        found = sorted(h.shard for h in headers)
        sys.exit(f"dedup_join: want shards 0..{shards} once each, found {found}")


def copies(records):
    """(first, other) for each article whose set an earlier article has."""
    by_set = Window.partitionBy("set")
    return (
        records.select("ordinal", "set")
        .withColumn("first", F.min("ordinal").over(by_set))
        .where(F.col("ordinal") != F.col("first"))
        .select(F.col("first").alias("a"), F.col("ordinal").alias("b"))
    )


def band_pairs(sets):
    """Sets equal in a band: every two members of a (band, key) bucket."""
    buckets = (
        sets.select("ordinal", F.posexplode("bands").alias("band", "key"))
        .groupBy("band", "key")
        .agg(F.array_sort(F.collect_list("ordinal")).alias("m"))
        .where(F.size("m") > 1)
    )
    every_two = F.expr(
        "flatten(transform(sequence(0, size(m) - 2), i ->"
        " transform(slice(m, i + 2, size(m) - i - 1), y -> named_struct('a', m[i], 'b', y))))"
    )
    return buckets.select(F.explode(every_two).alias("p")).select("p.a", "p.b")


def containment_pairs(sets):
    """Pairs whose smaller set may be contained in the larger one."""
    postings = (
        sets.select(F.struct("ordinal", "size").alias("s"), F.explode("shingles").alias("shingle"))
        .groupBy("shingle")
        .agg(F.collect_list("s").alias("sets"))
        .where(F.size("sets") > 1)
    )
    shared = (
        postings.select(
            "shingle", F.size("sets").alias("holding"), F.explode("sets.ordinal").alias("ordinal")
        )
        .groupBy("ordinal")
        .agg(F.collect_list(F.struct("holding", "shingle")).alias("shared"))
        .join(sets.select("ordinal", "size", "prefix"), "ordinal")
    )
    # The prefix takes the unshared shingles first: they can match nothing.
    wanted = F.col("prefix") - (F.col("size") - F.size("shared"))
    prefixes = shared.where(wanted > 0).select(
        F.struct("ordinal", "size").alias("s"),
        F.explode(F.slice(F.array_sort("shared"), 1, wanted.cast("int"))).alias("first"),
    )
    return (
        prefixes.join(postings, F.col("first.shingle") == F.col("shingle"))
        .select("s", F.explode("sets").alias("other"))
        .where(
            (F.col("other.ordinal") != F.col("s.ordinal"))
            & (F.col("other.size") >= F.col("s.size"))
        )
        .select(pair(F.col("s.ordinal"), F.col("other.ordinal")).alias("p"))
        .select("p.a", "p.b")
    )


def main(sketches, out):
    spark = SparkSession.builder.appName("dedup join").getOrCreate()
    jvm = spark.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(out)
    if target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(target):
        sys.exit(f"dedup_join: {out} exists; the job appends its steps' pairs to a new one")
    rows = spark.read.schema(SCHEMA).json(sketches)
    checked_corpus(rows)
    records = (
        rows.where(F.col("ordinal").isNotNull() & F.col("set").isNotNull())
        .select("ordinal", "set", "prefix", "shingles", u64s("bands").alias("bands"))
        .withColumn("shingles", u64s("shingles"))
        .withColumn("size", F.size("shingles"))
        .persist()
    )
    spark.sparkContext.setJobDescription("copies")
    copy_pairs = copies(records).persist()
    copy_pairs.write.csv(out)
    later = F.broadcast(copy_pairs.select(F.col("b").alias("ordinal")))
    sets = records.join(later, "ordinal", "left_anti").drop("set").persist()
    sets.count()
    records.unpersist()
    for step, pairs in [("bands", band_pairs), ("containment", containment_pairs)]:
        spark.sparkContext.setJobDescription(step)
        pairs(sets).distinct().write.mode("append").csv(out)
    spark.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
