#!/usr/bin/env bash
# run.sh CHECKOUT TASK LABEL PORT: one eval task-run with the model bridge; IO in /work/measure/LABEL
set -u
CHECKOUT=$1 TASK=$2 LABEL=$3 PORT=$4
IO=/work/measure/$LABEL
mkdir -p "$IO"
python3 /work/shared/tools/model-bridge/server.py "$IO/bridge" "$PORT" > "$IO/server.log" 2>&1 &
SERVER=$!
sleep 1
cd "$CHECKOUT"
( time OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 /work/main/.venv/bin/python -m agent.cli eval run ${SUITE:-/work/measure/suite} \
    --tasks "$TASK" --model openai-compatible:bridge --workers 1 --sandbox local --out "$IO/out" ) > "$IO/eval.log" 2>&1
echo "exit $?" > "$IO/bridge/DONE"
kill $SERVER
