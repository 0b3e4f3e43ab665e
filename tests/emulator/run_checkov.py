#!/usr/bin/env python3
"""Run checkov offline on a Terraform JSON stack with the project's skip list.

  python3 tests/emulator/run_checkov.py [FILE.tf.json] [-- extra checkov args]

* Framework: `terraform_json` (the `terraform` framework ignores *.tf.json).
* checkov 3.3.30's terraform_json parser crashes ("this method receives only
  dicts") on scalar attributes of the top-level `terraform` block
  (`required_version`), so a copy is scanned with those removed. Nothing in
  that block is security-relevant; the emitted file itself is not changed.
* Inline `"//": "checkov:skip=..."` comments are NOT honoured by the
  terraform_json runner, so skips are passed as --skip-check, read from the
  table rows `| CKV..._ID |` in checkov-skips.md next to this file.
* Offline: BC_SKIP_MAPPING=TRUE and --skip-download.
Exit status is checkov's (non-zero when any non-skipped check fails).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def skip_ids(md: Path) -> list[str]:
    ids = []
    for line in md.read_text().splitlines():
        m = re.match(r"^\|\s*`?(CKV2?_AWS_\d+)`?\s*\|", line)
        if m and m.group(1) not in ids:
            ids.append(m.group(1))
    return ids


def main() -> int:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    src = Path(argv[0]) if argv else HERE / "sample.tf.json"
    checkov = os.environ.get("CHECKOV", str(REPO / "target" / "tools-venv" / "bin" / "checkov"))
    skips = skip_ids(HERE / "checkov-skips.md")

    doc = json.loads(src.read_text())
    tf_block = doc.get("terraform")
    if isinstance(tf_block, dict):
        doc["terraform"] = {k: v for k, v in tf_block.items() if isinstance(v, dict)}
    with tempfile.TemporaryDirectory(prefix="checkov-") as tmp:
        scan = Path(tmp) / src.name
        scan.write_text(json.dumps(doc, indent=2))
        cmd = [checkov, "-f", str(scan), "--framework", "terraform_json", "--compact", "--quiet",
               "--skip-download", "-o", "cli"]
        if skips:
            cmd += ["--skip-check", ",".join(skips)]
        cmd += extra
        env = dict(os.environ, BC_SKIP_MAPPING="TRUE")
        print(f"[checkov] {src} (skips: {','.join(skips) or 'none'})", flush=True)
        t = time.monotonic()
        rc = subprocess.run(cmd, env=env).returncode
        print(f"[checkov] rc={rc} in {time.monotonic() - t:.1f}s", flush=True)
    return rc


if __name__ == "__main__":
    sys.exit(main())
