"""Where one run of the embedding model spends its time: onnxruntime's profiler over one-text runs.

Usage: embedding-ops.py MODEL.onnx TOKENIZER.json [TEXTS]
Runs TEXTS (300) generated track texts, one per run, on one intra-op thread with the session options
the service uses (all graph optimisations, no CPU arena, no memory patterns), then prints the
microseconds per run of each operator type and the tokens per text. Also prints tokenizer texts per
CPU-second. The texts have the shape of TrackText: title | artist | album | genre | year.
"""
import collections
import json
import random
import sys
import time

import numpy as np
import onnxruntime as ort
import tokenizers

WORDS = "Love Night River Blue Heart Fire Rain Midnight Summer Winter Dance Dream Road Home".split()
ARTISTS = ["Nina Simone", "Miles Carter", "The Velvet Orchestra", "Ella Holland", "Neon Wolves"]
GENRES = ["Jazz", "Indie Rock", "Bossa Nova", "Hip-Hop", "Metal"]


def texts(n, rnd):
    return [f"{rnd.choice(WORDS)} of {rnd.choice(WORDS)} | {rnd.choice(ARTISTS)} | My {rnd.choice(WORDS)}"
            f" | {rnd.choice(GENRES)} | {rnd.randint(1955, 2025)}" for _ in range(n)]


def main(model, tokenizer, n=300):
    tok = tokenizers.Tokenizer.from_file(tokenizer)
    tok.no_padding()
    tok.enable_truncation(256)
    batch = texts(n, random.Random(42))
    start = time.process_time()
    encodings = [tok.encode(t) for t in batch]
    tokenize_rate = n / (time.process_time() - start)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    options.enable_profiling = True
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    for e in encodings:
        ids = np.array([e.ids], dtype=np.int64)
        session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids),
                           "token_type_ids": np.zeros_like(ids)})
    events = json.load(open(session.end_profiling()))
    by_op, count = collections.Counter(), collections.Counter()
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            by_op[e["args"]["op_name"]] += e["dur"]
            count[e["args"]["op_name"]] += 1
    total = sum(by_op.values())
    print(f"{n} texts, {np.mean([len(e.ids) for e in encodings]):.2f} tokens each on average; "
          f"tokenizer {tokenize_rate:,.0f} texts/CPU-s")
    print(f"{'operator':28s} {'us/run':>8s} {'share':>6s} {'nodes':>6s}")
    for op, us in by_op.most_common():
        print(f"{op:28s} {us / n:8.1f} {us / total:6.1%} {count[op] / n:6.0f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:]))
