"""The benchmark's process accounting: each role counts its own forked processes and no other
role's, so the Rasa server's workers count as Rasa and the launcher counts only itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.stacks import cpu_seconds, proportional_memory_mb, role_processes

SLEEPER = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)']); time.sleep(30)"


def test_a_role_holds_its_descendants_but_not_another_roles() -> None:
    server = subprocess.Popen([sys.executable, "-c", SLEEPER])
    try:
        for _ in range(100):
            roles = role_processes({"launcher": os.getpid(), "server": server.pid})
            if len(roles["server"]) == 2:
                break
            time.sleep(0.05)

        assert roles["launcher"] == [os.getpid()]
        assert roles["server"][0] == server.pid and len(roles["server"]) == 2
        assert (proportional_memory_mb(roles["server"]) or 0) > 0
        assert cpu_seconds(roles["server"]) is not None
    finally:
        for pid in role_processes({"server": server.pid})["server"][::-1]:
            os.kill(pid, 9)
        server.wait()
