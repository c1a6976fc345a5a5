"""A dashboard instance in its own process, driven line by line from a test: each stdin line is a snippet of
Python run with `at` (a streamlit AppTest of dashboard.py) in scope; the value of `result` goes back as one JSON
line. Two workers on one store behave like two app servers (each has its own caches)."""

import json
import sys
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
for line in sys.stdin:
    scope = {"at": at, "ROOT": ROOT, "result": None}
    try:
        exec(line, scope)  # noqa: S102 - test-only driver
        out = {"ok": True, "result": scope["result"]}
    except Exception:  # noqa: BLE001
        out = {"ok": False, "error": traceback.format_exc()}
    print(json.dumps(out, default=str), flush=True)
