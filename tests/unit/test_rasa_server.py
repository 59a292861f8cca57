"""Releasing the library pages Rasa's imports leave resident: the memory goes, the contents stay."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# A file no other process maps (a shared page is never reclaimed for one process), mapped the way
# a library's read-only segment is, from a folder named like the one third-party libraries are in.
PROBE = """
import json, mmap, sys
from pathlib import Path
from bot.rasa_server import release_library_pages

path = Path(sys.argv[1])

def resident_kib():
    inside, total = False, 0
    for line in Path("/proc/self/smaps").read_text().splitlines():
        first = line.split()[0]
        if "-" in first and all(c in "0123456789abcdef-" for c in first):
            inside = line.rstrip().endswith(str(path))
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total

with open(path, "rb") as handle:
    mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
checksum = sum(mapped[i] for i in range(0, len(mapped), 4096))
before = resident_kib()
released = release_library_pages()
after = resident_kib()
same = sum(mapped[i] for i in range(0, len(mapped), 4096)) == checksum
print(json.dumps({"before": before, "after": after, "released": released, "same": same}))
"""


def test_library_pages_are_released_and_still_read_the_same(tmp_path: Path) -> None:
    library = tmp_path / "site-packages" / "libexample.so"
    library.parent.mkdir()
    library.write_bytes(bytes(range(256)) * 4096 * 4)  # 4 MiB

    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(library)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["before"] >= 3 * 1024
    assert result["released"] > 0 and result["after"] < result["before"] / 4
    assert result["same"]
