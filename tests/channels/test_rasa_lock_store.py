"""The conversation locks the Rasa workers share: one turn per conversation at a time, across
processes, and never stuck when a process dies holding one."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from pathlib import Path

import pytest
from rasa.core.lock_store import LockError

from bot.rasa_lock_store import FileLockStore


def _conversations_in_different_files(store: FileLockStore) -> tuple[str, str]:
    first = "+16175550101"
    for n in range(200, 999):
        other = f"+16175550{n}"
        if store.path_for(other) != store.path_for(first):
            return first, other
    raise AssertionError("every number hashed to one file")


async def _turn(store: FileLockStore, conversation: str, log: list[str], name: str) -> None:
    async with store.lock(conversation):
        log.append(f"{name} starts")
        await asyncio.sleep(0.05)
        log.append(f"{name} ends")


def test_two_turns_of_one_conversation_never_overlap(tmp_path: Path) -> None:
    store = FileLockStore(directory=tmp_path)
    log: list[str] = []

    async def both() -> None:
        await asyncio.gather(*(_turn(store, "+16175550101", log, n) for n in ("a", "b")))

    asyncio.run(both())

    assert log in (
        ["a starts", "a ends", "b starts", "b ends"],
        ["b starts", "b ends", "a starts", "a ends"],
    )


def test_different_conversations_run_side_by_side(tmp_path: Path) -> None:
    store = FileLockStore(directory=tmp_path)
    first, other = _conversations_in_different_files(store)
    log: list[str] = []

    async def both() -> None:
        await asyncio.gather(_turn(store, first, log, "a"), _turn(store, other, log, "b"))

    asyncio.run(both())

    assert log[:2] in (["a starts", "b starts"], ["b starts", "a starts"])


def _hold(directory: str, conversation: str, held: multiprocessing.synchronize.Event) -> None:
    async def forever() -> None:
        async with FileLockStore(directory=directory).lock(conversation):
            held.set()
            await asyncio.sleep(60)

    asyncio.run(forever())


def test_a_lock_held_by_another_process_waits_and_one_left_by_a_dead_process_frees(
    tmp_path: Path,
) -> None:
    context = multiprocessing.get_context("fork")
    held = context.Event()
    holder = context.Process(target=_hold, args=(str(tmp_path), "+16175550101", held))
    holder.start()
    try:
        assert held.wait(30)
        store = FileLockStore(directory=tmp_path)

        async def try_briefly() -> None:
            async with store.lock("+16175550101", lock_lifetime=0.3):
                pass

        started = time.monotonic()
        with pytest.raises(LockError):
            asyncio.run(try_briefly())
        assert time.monotonic() - started >= 0.3

        holder.kill()  # dies holding the lock
        holder.join(10)
        asyncio.run(try_briefly())  # the kernel released it
    finally:
        if holder.is_alive():
            holder.kill()


def test_the_lock_store_comes_from_endpoint_options(tmp_path: Path) -> None:
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    config = EndpointConfig(
        type="bot.rasa_lock_store.FileLockStore", directory=str(tmp_path / "locks"), buckets=8
    )
    store = LockStore.create(config)

    assert isinstance(store, FileLockStore)
    assert store.buckets == 8 and (tmp_path / "locks").is_dir()
    with pytest.raises(ValueError, match="directory"):
        FileLockStore()
