#!/usr/bin/env bash
# One eval task-run with a model in the loop, through the model bridge (an OpenAI-compatible
# endpoint answered from files; see ../shared/tools/model-bridge/README.md and PLAYING.md).
#
#   benchmarks/model_in_loop.sh CHECKOUT SUITE TASK OUT_DIR PORT
#
# CHECKOUT is the backend-agent tree to measure (a worktree of the commit under test), SUITE
# an eval suite folder, OUT_DIR gets bridge/ (requests and answers), out/ (the eval's
# results.json) and eval.log. Someone plays the model on OUT_DIR/bridge meanwhile, acting
# only through the agent's tool calls. benchmarks/model_in_loop_table.py reads OUT_DIR's
# parent for the table.
set -u
CHECKOUT=$1 SUITE=$2 TASK=$3 OUT=$4 PORT=$5
HERE="$(cd "$(dirname "$0")/.." && pwd)"
BRIDGE="${MODEL_BRIDGE:-$HERE/../shared/tools/model-bridge}"
mkdir -p "$OUT"
python3 "$BRIDGE/server.py" "$OUT/bridge" "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
sleep 1
cd "$CHECKOUT"
( time OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1" "$HERE/.venv/bin/python" -m agent.cli eval run "$SUITE" \
    --tasks "$TASK" --model openai-compatible:bridge --workers 1 --sandbox local --out "$OUT/out" ) \
    > "$OUT/eval.log" 2>&1
echo "exit $?" > "$OUT/bridge/DONE"
kill "$SERVER"
