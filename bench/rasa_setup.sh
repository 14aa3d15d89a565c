#!/usr/bin/env bash
# Create (idempotently) the Python 3.10 venv holding Rasa 3.6 for bench/rasa_compare.py.
# Rasa 3.6 needs Python < 3.11, so it cannot live in the project's main venv.
# Usage: bench/rasa_setup.sh [VENV_DIR]   (default ~/.cache/shouhu/rasa-venv)
set -euo pipefail
VENV="${1:-${SHOUHU_RASA_VENV:-$HOME/.cache/shouhu/rasa-venv}}"
PY310="${PY310:-$HOME/.pyenv/versions/3.10.13/bin/python}"
RASA_SPEC="${RASA_SPEC:-rasa==3.6.*}"

if [ -x "$VENV/bin/rasa" ] && "$VENV/bin/python" -c 'import rasa, sys; sys.exit(0 if rasa.__version__.startswith("3.6") else 1)' 2>/dev/null; then
    echo "rasa venv ready: $VENV ($("$VENV/bin/python" -c 'import rasa; print(rasa.__version__)'))"
    exit 0
fi
if [ ! -x "$PY310" ]; then
    echo "Python 3.10 not found at $PY310 (set PY310=...)" >&2
    exit 1
fi
mkdir -p "$(dirname "$VENV")"
[ -x "$VENV/bin/python" ] || nice -n 15 "$PY310" -m venv "$VENV"
nice -n 15 "$VENV/bin/pip" install -q --upgrade pip
# jieba is needed by JiebaTokenizer but is not a dependency of rasa itself.
nice -n 15 "$VENV/bin/pip" install -q "$RASA_SPEC" jieba
"$VENV/bin/python" -c 'import rasa; print("rasa venv ready:", rasa.__version__)'
