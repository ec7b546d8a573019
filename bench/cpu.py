"""CPU seconds used by a process tree (from /proc): a load-independent figure on a shared machine."""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """user + system CPU of the process and its living children (and the children they waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = sum(int(x) for x in fields[11:15]) / TICKS  # utime, stime, cutime, cstime
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return own + sum(tree_cpu_seconds(int(c)) for c in children)


def process_cpu(pid: int, system: bool = True) -> dict[int, float]:
    """{pid: own user + system CPU seconds (user only with system=False)} of the process and each living
    descendant."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return {}
    found = {pid: sum(int(x) for x in fields[11 : 13 if system else 12]) / TICKS}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found.update(process_cpu(int(child), system))
    return found
