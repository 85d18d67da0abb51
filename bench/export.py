"""`python -m bench.export`: export a user who has 1,000,000 request-log rows, JSON and CSV.

The privacy issue's promise: an export streams with flat memory however much the user has.
Builds a temp SQLite database where one user owns every row (bench.gui_logs' bulk generator),
then runs each export in a fresh process and reports time, output size and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.gui_logs import fill_logs, make_users

ROOT = Path(__file__).resolve().parent.parent
# Peak RSS from VmHWM: unlike ru_maxrss it starts afresh at exec, not inherited from us.
CHILD = """
import json, sys, time
def hwm_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
from app import export, runtime
runtime.start(sys.argv[1], environ={})
base = hwm_mb()
started = time.perf_counter()
result = export.export_user("heavy", sys.argv[2], fmt=sys.argv[3])
print(json.dumps({"seconds": time.perf_counter() - started, "rows": result.rows,
                  "bytes": result.size_bytes, "rss_before_mb": base,
                  "rss_peak_mb": hwm_mb()}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        from app import db, runtime
        cfg = runtime.start(Path(tmp) / "data", environ={})
        users = make_users(["heavy"])
        db.close_database()
        built = fill_logs(cfg.sqlite_path, args.rows, users)
        print(f"built {args.rows:,} rows for one user in {built:.1f} s")
        print(f"{'format':7} {'seconds':>8} {'rows':>10} {'MB out':>8} {'RSS before':>11} "
              f"{'RSS peak':>9}")
        for fmt in ("json", "csv"):
            out = Path(tmp) / f"heavy.{'json' if fmt == 'json' else 'zip'}"
            done = subprocess.run([sys.executable, "-c", CHILD, str(cfg.data_dir), str(out), fmt],
                                  cwd=ROOT, capture_output=True, text=True, check=True)
            r = json.loads(done.stdout)
            print(f"{fmt:7} {r['seconds']:8.1f} {r['rows']:10,} {r['bytes'] / 2**20:8.1f} "
                  f"{r['rss_before_mb']:9.0f}MB {r['rss_peak_mb']:7.0f}MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
