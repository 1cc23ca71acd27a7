"""Bytes a Spark application wrote to shuffles, by job description.

Usage:
    python3 contrib/spark/shuffle_bytes.py EVENT_LOG [ARTICLES]

EVENT_LOG is the (uncompressed) event log of a run with
`--conf spark.eventLog.enabled=true --conf spark.eventLog.dir=DIR`: the file
DIR/APP_ID. Sums each task's "Shuffle Bytes Written" under the description
of the job that ran its stage (dedup_join.py names its steps so), and per
article when given the corpus's article count.
"""

import json
import sys
from collections import Counter


def shuffled(lines):
    step_of_stage, written = {}, Counter()
    for line in lines:
        event = json.loads(line)
        if event["Event"] == "SparkListenerJobStart":
            step = (event.get("Properties") or {}).get("spark.job.description", "other")
            step_of_stage.update((stage, step) for stage in event["Stage IDs"])
        elif event["Event"] == "SparkListenerTaskEnd":
            metrics = event.get("Task Metrics") or {}
            bytes_ = metrics.get("Shuffle Write Metrics", {}).get("Shuffle Bytes Written", 0)
            written[step_of_stage.get(event["Stage ID"], "other")] += bytes_
    return written


def main(path, articles=None):
    with open(path) as log:
        written = shuffled(log)
    written["total"] = sum(written.values())
    for step, bytes_ in written.items():
        each = f", {bytes_ / int(articles):,.0f} an article" if articles else ""
        print(f"{step}: {bytes_:,} bytes shuffled{each}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(*sys.argv[1:])
