"""`python -m bot.rasa_server run ...`: Rasa's own CLI, with three measured fixes applied first.

- Rasa 3.6 checks every action-server response with `jsonschema.validate`, which checks the
  schema itself again on every call: about 28 ms of CPU per turn, some 40 % of the Rasa server's
  time in `make bench`. Building the validator once gives the same verdicts and error message.
- With several workers (SANIC_WORKERS), Sanic forks them all and keeps the first process only to
  wait for them, holding its own copy of Rasa's imports. Here that process serves too and forks
  one worker fewer: the same number of processes answer, and one idle copy of Rasa is saved.
- Importing Rasa maps TensorFlow's libraries and touches some 200-400 MB of their pages, which
  stay resident though Nadir's pipeline never runs TensorFlow (how much depends on the page
  cache). Once the model is loaded, each process asks the kernel to take back the pages of its
  third-party libraries (MADV_PAGEOUT): the few it still runs fault back in.
"""

from __future__ import annotations

import gc
import os
import sys
from typing import Any


def install_fast_action_validation() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import DOCS_BASE_URL, RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator = validator_for(schema)(schema)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                "from the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions"
            )
            raise
        return True

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def serve_here_and_in_forks(server_settings: dict[str, Any], workers: int) -> None:
    """Sanic's `serve_multiple`, except that this process is one of the `workers`.

    The listening socket is bound here and inherited by the forked workers, as in Sanic. When
    this process is told to stop (SIGTERM, or Ctrl-C), it stops serving, then stops the others.
    """
    import asyncio
    import multiprocessing
    import signal

    from sanic.server.events import trigger_events
    from sanic.server.runners import serve
    from sanic.server.socket import bind_socket

    main_start = server_settings.pop("main_start", None)
    main_stop = server_settings.pop("main_stop", None)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    trigger_events(main_start, loop)
    sock = server_settings.get("sock") or bind_socket(
        server_settings["host"], server_settings["port"], backlog=server_settings["backlog"]
    )
    sock.set_inheritable(True)
    server_settings.update(sock=sock, host=None, port=None, reuse_port=True)
    forks = [
        multiprocessing.get_context("fork").Process(
            target=serve, kwargs={**server_settings, "run_multiple": True}, daemon=True
        )
        for _ in range(workers - 1)
    ]
    for process in forks:
        process.start()
    try:
        serve(**server_settings)
    finally:
        for process in forks:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        for process in forks:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
        trigger_events(main_stop, loop)
        sock.close()
        loop.close()


MADV_PAGEOUT = 21  # Linux 5.4+: reclaim these pages now; their contents are kept


def release_library_pages() -> int:
    """Ask the kernel to reclaim the resident pages of third-party libraries; returns how many
    mappings it accepted. A hint only: nothing changes for the program, and where the kernel
    does not know the advice (before Linux 5.4, or not Linux) it does nothing."""
    import ctypes
    from pathlib import Path

    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        maps = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return 0
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    released = 0
    for line in maps:
        fields = line.split(maxsplit=5)
        if len(fields) < 6 or "/site-packages/" not in fields[5]:
            continue
        start, end = (int(address, 16) for address in fields[0].split("-"))
        if libc.madvise(start, end - start, MADV_PAGEOUT) == 0:
            released += 1
    return released


def install_library_page_release() -> None:
    import rasa.core.run

    load_agent = rasa.core.run.load_agent_on_start

    async def load_agent_then_release_library_pages(*args: Any, **kwargs: Any) -> Any:
        agent = await load_agent(*args, **kwargs)
        release_library_pages()
        return agent

    rasa.core.run.load_agent_on_start = load_agent_then_release_library_pages


def install_serving_in_the_first_process() -> None:
    import sanic.app

    sanic.app.serve_multiple = serve_here_and_in_forks  # type: ignore[attr-defined]


def main() -> None:
    from bot.launcher import die_with_parent

    install_fast_action_validation()
    install_serving_in_the_first_process()
    install_library_page_release()
    # Workers are forked (SANIC_WORKERS). Freezing the garbage collector first keeps collections
    # from writing to the objects the processes share (measured in make bench: about 140 MiB
    # less PSS); each forked worker stops when this process goes, however it goes, so none is
    # left holding the port.
    os.register_at_fork(before=gc.freeze, after_in_child=die_with_parent)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
