"""The simulators' rate-limit bursts: seeded, in runs of `burst_length`, in each API's own shape."""

from __future__ import annotations

from itertools import groupby
from typing import Any

import pytest
from clinic_sandbox.cliniko.behaviour import Behaviour
from clinic_sandbox.freshsales.faults import FaultDice, FaultSettings
from reference_run import freshsales_testing, salesforce_testing


def _rolls(dice: FaultDice, count: int) -> list[bool]:
    return [dice.burst() for _ in range(count)]


def test_bursts_come_in_runs_of_burst_length_and_repeat_with_the_seed() -> None:
    settings = FaultSettings(burst_rate=0.2, burst_length=3, seed=4)
    rolls = _rolls(FaultDice(settings), 400)
    assert rolls == _rolls(FaultDice(settings), 400)  # same seed, same bursts
    runs = [len(list(group)) for refused, group in groupby(rolls) if refused]
    assert runs and all(length % 3 == 0 for length in runs)


def test_without_bursts_the_other_faults_keep_their_seeded_sequence() -> None:
    plain = FaultDice(FaultSettings(error_rate=0.3, seed=9))
    with_knob = FaultDice(FaultSettings(error_rate=0.3, burst_length=5, seed=9))
    assert [plain.before() for _ in range(50)] == [
        (with_knob.burst(), with_knob.before())[1] for _ in range(50)
    ]


@pytest.mark.parametrize(
    ("freshsales", "cliniko"),
    [
        ({"burst_rate": 1.5}, {"fault_429_burst_rate": 1.5}),
        ({"burst_length": 0}, {"burst_length": 0}),
    ],
)
def test_bad_burst_settings_are_refused(
    freshsales: dict[str, Any], cliniko: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match="burst"):
        FaultSettings(**freshsales)
    with pytest.raises(ValueError, match="burst"):
        Behaviour().update(cliniko)


def test_cliniko_answers_a_burst_with_429_and_a_reset_time(clinic: Any) -> None:
    clinic.configure(fault_429_burst_rate=1.0, burst_length=2)
    try:
        with clinic.client() as http:
            answers = [http.get("/patients", params={"per_page": 1}) for _ in range(2)]
    finally:
        clinic.configure(fault_429_burst_rate=0.0, burst_length=3)
    assert [a.status_code for a in answers] == [429, 429]
    assert all(int(a.headers["x-ratelimit-reset"]) > 0 for a in answers)
    assert clinic.stats()["faults"]["burst_429"] >= 2


def test_freshsales_answers_a_burst_with_429_and_retry_after() -> None:
    faults = FaultSettings(burst_rate=1.0, burst_length=1)
    with freshsales_testing.running_simulator(faults=faults) as sim, sim.client() as http:
        answer = http.get("/selector/owners")
        assert answer.status_code == 429 and answer.headers["retry-after"] == "1"
        assert sim.stats()["faults"]["burst"] == 1


def test_salesforce_answers_a_burst_with_request_limit_exceeded() -> None:
    faults = FaultSettings(burst_rate=1.0, burst_length=1)
    with salesforce_testing.running_simulator(faults=faults) as sim, sim.client() as http:
        answer = http.get("/limits")
        assert answer.status_code == 403
        assert answer.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
        assert sim.stats()["faults"]["burst"] == 1


def test_cliniko_fault_seed_restarts_the_dice(clinic: Any) -> None:
    def statuses() -> list[int]:
        clinic.configure(fault_seed=5, fault_5xx_rate=0.5)
        with clinic.client() as http:
            found = [http.get("/user").status_code for _ in range(12)]
        clinic.configure(fault_seed=None, fault_5xx_rate=0.0)
        return found

    first = statuses()
    with clinic.client() as http:  # other requests in between move the dice on
        http.get("/user")
    assert statuses() == first
    assert set(first) > {200}  # some were faults, some not
