from __future__ import annotations

from matchmaker.scheduling.core import CoreMeeting, CoreProblem, participant_breaks
from matchmaker.scheduling.validate import validate_core


def _problem() -> CoreProblem:
    return CoreProblem(
        n_participants=3,
        n_slots=4,
        capacity=(1, 1, 1, 1),
        meetings=(
            CoreMeeting(0, 1, (0, 1, 2, 3)),
            CoreMeeting(0, 2, (0, 1, 2, 3)),
            CoreMeeting(1, 2, (2, 3)),
        ),
        precedences=((0, 1),),
        fairness_d=1,
    )


def test_valid_schedule_has_no_violations() -> None:
    rep = validate_core(_problem(), [0, 1, 2])
    assert rep.ok, rep.violations
    assert rep.breaks == [0, 1, 0]


def test_each_constraint_is_reported() -> None:
    p = _problem()
    assert any("2 meetings in slot 0" in v for v in validate_core(p, [0, 0, 2]).violations)
    assert any("not allowed" in v for v in validate_core(p, [0, 1, 0]).violations)
    assert any("precedence" in v for v in validate_core(p, [1, 0, 2]).violations)
    assert any("not placed" in v for v in validate_core(p, [0, 1, None]).violations)
    assert any("out of range" in v for v in validate_core(p, [0, 1, 9]).violations)
    assert any("entries" in v for v in validate_core(p, [0, 1]).violations)


def test_tables_and_fairness() -> None:
    p = CoreProblem(
        3, 4, (1, 1, 1, 1), (CoreMeeting(0, 1, (0, 1, 2, 3)), CoreMeeting(0, 2, (0, 1, 2, 3)))
    )
    assert any("tables" in v for v in validate_core(p, [0, 0]).violations)
    unfair = CoreProblem(
        2, 6, (1,) * 6, tuple(CoreMeeting(0, 1, tuple(range(6))) for _ in range(3)), fairness_d=1
    )
    assert participant_breaks(unfair, [0, 2, 4]) == [2, 2]
    assert validate_core(unfair, [0, 2, 4]).ok
    three = CoreProblem(
        3,
        6,
        (2,) * 6,
        (*(CoreMeeting(0, 1, tuple(range(6))) for _ in range(3)), CoreMeeting(2, 1, (1,))),
        fairness_d=1,
    )
    assert any("fairness" in v for v in validate_core(three, [0, 2, 4, 1]).violations)


def test_breaks_counted_per_day() -> None:
    p = CoreProblem(
        2,
        4,
        (1,) * 4,
        tuple(CoreMeeting(0, 1, (0, 1, 2, 3)) for _ in range(2)),
        day_of=(0, 0, 1, 1),
    )
    assert participant_breaks(p, [1, 2]) == [0, 0]
    assert participant_breaks(p, [0, 3]) == [0, 0]
    p1 = CoreProblem(2, 4, (1,) * 4, tuple(CoreMeeting(0, 1, (0, 1, 2, 3)) for _ in range(2)))
    assert participant_breaks(p1, [0, 3]) == [1, 1]
