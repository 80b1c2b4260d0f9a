"""Helpers for the benchmarks: run a snippet in a fresh interpreter and read its timings."""

import json
import os
import subprocess
import sys
import textwrap


def backend():
    return os.environ.get("LAMINA_BACKEND", "jax")


def run_snippet(code, env_extra=None, timeout=600):
    """Runs ``code`` in a new Python process; the code prints one JSON line prefixed 'RESULT '."""
    env = dict(os.environ)
    env.update(env_extra or {})
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, timeout=timeout)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    return {"error": (proc.stderr or proc.stdout)[-600:]}


def report(title, rows, baseline_names):
    """Prints ``rows`` ({name: seconds}) and each row's ratio to the baselines."""
    print(f"\n== {title} ({backend()}) ==")
    for name, value in rows.items():
        text = f"{value * 1e3:10.2f} ms" if isinstance(value, float) else f"{value}"
        ratios = []
        for base in baseline_names:
            if base != name and isinstance(rows.get(base), float) and isinstance(value, float):
                ratios.append(f"{value / rows[base]:.2f}x {base}")
        print(f"  {name:<22}{text}   {'  '.join(ratios)}")
