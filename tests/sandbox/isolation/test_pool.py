"""The pool: slots are handed out first come, first served; a full queue says Busy at once."""

from __future__ import annotations

import asyncio

import pytest

from sandbox.isolation.pool import Busy, Pool


def test_slots_are_distinct_and_come_back() -> None:
    async def main() -> tuple[list[int], dict[str, int]]:
        pool = Pool(slots=3, queue=2)
        got = [await pool.acquire() for _ in range(3)]
        for slot in got:
            pool.release(slot, ran_s=0.01)
        return got, pool.stats()

    got, stats = asyncio.run(main())
    assert sorted(got) == [0, 1, 2]
    assert stats == {"slots": 3, "running": 0, "queued": 0, "completed": 3, "rejected": 0}


def test_waiters_are_served_in_order() -> None:
    async def main() -> list[str]:
        pool = Pool(slots=1, queue=5)
        order: list[str] = []
        first = await pool.acquire()

        async def wait(name: str) -> None:
            async with pool.slot():
                order.append(name)
                await asyncio.sleep(0)

        tasks = [asyncio.ensure_future(wait(n)) for n in "abcd"]
        await asyncio.sleep(0.01)
        assert pool.stats()["queued"] == 4
        pool.release(first)
        await asyncio.gather(*tasks)
        return order

    assert asyncio.run(main()) == ["a", "b", "c", "d"]


def test_full_queue_raises_busy_with_retry_after() -> None:
    async def main() -> tuple[Busy, dict[str, int]]:
        pool = Pool(slots=1, queue=1)
        await pool.acquire()
        waiter = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0)
        with pytest.raises(Busy) as info:
            await pool.acquire()
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
        return info.value, pool.stats()

    busy, stats = asyncio.run(main())
    assert busy.retry_after >= 1
    assert "retry after" in str(busy)
    assert stats["rejected"] == 1
    assert stats["queued"] == 0


def test_zero_queue_rejects_when_all_slots_run() -> None:
    async def main() -> None:
        pool = Pool(slots=1, queue=0)
        await pool.acquire()
        with pytest.raises(Busy):
            await pool.acquire()

    asyncio.run(main())


def test_cancelled_waiter_that_was_handed_a_slot_passes_it_on() -> None:
    async def main() -> tuple[int, dict[str, int]]:
        pool = Pool(slots=1, queue=3)
        slot = await pool.acquire()
        doomed = asyncio.ensure_future(pool.acquire())
        patient = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0)
        pool.release(slot)  # hands the slot to `doomed`...
        doomed.cancel()  # ...which is cancelled before it could run
        await asyncio.gather(doomed, return_exceptions=True)
        got = await asyncio.wait_for(patient, 1)
        return got, pool.stats()

    got, stats = asyncio.run(main())
    assert got == 0
    assert stats["running"] == 1 and stats["queued"] == 0


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        Pool(slots=0, queue=1)


def test_identities_rotate_and_slots_still_bound_concurrency() -> None:
    async def main() -> tuple[list[int], bool, int]:
        pool = Pool(slots=1, queue=2, identities=3)
        order = []
        for _ in range(4):  # the identity free longest comes first: its child is ready
            slot = await pool.acquire()
            order.append(slot)
            pool.release(slot, ran_s=0.01)
        held = await pool.acquire()
        waiter = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0.01)
        blocked = not waiter.done()  # one slot: a second run waits, identities or not
        pool.release(held, ran_s=0.01)
        return order, blocked, await waiter

    order, blocked, handed = asyncio.run(main())
    assert order == [0, 1, 2, 0]
    assert blocked
    assert handed == 2  # not the identity just released, whose child is being replaced
