"""The virtual clock: sleeps move simulated time, CPU is charged in whole ms, time is restored."""

from __future__ import annotations

import time

import pytest

from sandbox.lab.clock import MS_NS, NS, SimulationLimit, VirtualClock, cpu_ns, patched


def test_sleep_moves_the_shared_clock_only_inside_a_stretch() -> None:
    clock = VirtualClock(600)
    clock.sleep(5)  # no stretch open: importing the module, not timed
    assert clock.now_ns == 0
    clock.cpu_begin()
    clock.sleep(1.5)
    clock.cpu_end()
    assert clock.now_ns == round(1.5 * NS)


def test_a_recording_keeps_its_own_segments_off_the_shared_clock() -> None:
    clock = VirtualClock(600)
    clock.cpu_begin()
    with clock.record(origin_ns=7 * NS) as rec:
        clock.sleep(1)
        clock.sleep(0.25)
        assert clock.read_ns() >= 7 * NS + round(1.25 * NS)
    clock.cpu_end()
    assert rec.segments == [("sleep", round(1.25 * NS))]  # adjacent sleeps merged
    assert rec.elapsed_ns == round(1.25 * NS)
    assert clock.now_ns == 0


def test_cpu_is_rounded_to_whole_milliseconds() -> None:
    assert cpu_ns(0.0004) == 0
    assert cpu_ns(0.0006) == MS_NS
    assert cpu_ns(0.0123) == 12 * MS_NS


def test_a_busy_wait_on_the_clock_ends_and_is_charged_as_cpu() -> None:
    clock = VirtualClock(600)
    with patched(clock), clock.record(0) as rec:
        begin = time.perf_counter()
        while time.perf_counter() - begin < 0.01:
            pass
    assert rec.segments and rec.segments[0][0] == "cpu"
    assert rec.elapsed_ns >= 9 * MS_NS


def test_patched_replaces_and_restores_the_time_functions() -> None:
    real = {name: getattr(time, name) for name in ("sleep", "time", "monotonic", "perf_counter",
                                                    "time_ns", "monotonic_ns", "perf_counter_ns")}
    clock = VirtualClock(600, epoch=1000.0)
    with pytest.raises(RuntimeError), patched(clock):
        clock.cpu_begin()
        time.sleep(2)
        assert time.monotonic() >= 2.0
        assert time.monotonic_ns() >= 2 * NS
        assert 1002.0 <= time.time() < 1003.0
        raise RuntimeError("the block fails: the real functions still come back")
    for name, function in real.items():
        assert getattr(time, name) is function


@pytest.mark.parametrize(("value", "error"), [("1", TypeError), (-1, ValueError),
                                              (True, TypeError)])
def test_bad_sleeps_raise_as_the_real_one_does(value: object, error: type[Exception]) -> None:
    clock = VirtualClock(600)
    clock.cpu_begin()
    with pytest.raises(error):
        clock.sleep(value)  # type: ignore[arg-type]


def test_the_cap_stops_simulated_time() -> None:
    clock = VirtualClock(10)
    clock.cpu_begin()
    clock.sleep(9)
    with pytest.raises(SimulationLimit):
        clock.sleep(2)
    with clock.record(0), pytest.raises(SimulationLimit):
        clock.sleep(11)
    with pytest.raises(SimulationLimit):
        clock.sleep(float("inf"))
