"""What organisers do to an event, as plain functions the CLI and the API share.

Scheduling (fresh or keeping unaffected meetings), filling free slots with meetings the matching
engine proposes, adding participants and meeting requests, and answering requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from matchmaker.errors import Conflict, NotFound, ValidationFailed
from matchmaker.matching import MatchEngine, MatchOptions
from matchmaker.scheduling.fill import fill
from matchmaker.scheduling.model import Event, MeetingRequest, Participant, RequestStatus
from matchmaker.scheduling.reschedule import reschedule
from matchmaker.scheduling.solver import schedule


def run_schedule(
    event: Event,
    *,
    time_limit_s: float = 60.0,
    seed: int = 0,
    fresh: bool = False,
    proposals: Iterable[tuple[str, str, float]] | None = None,
) -> tuple[Event, dict[str, Any]]:
    """Schedule ``event`` and return it with its new schedule, plus the solver's report.

    Parameters
    ----------
    event
        The event; a stored ``schedule`` is kept where still valid unless ``fresh``.
    time_limit_s, seed
        Passed to the solver (deterministic for a seed when the solver finishes).
    proposals
        ``(participant_a, participant_b, score)`` to fill free slots with afterwards (fill mode);
        accepted meetings never move for them.

    Returns
    -------
    The updated event and the report (placed, total, breaks, bound, optimality, moved, filled).
    """
    if event.schedule and not fresh:
        result = reschedule(event, time_limit_s=time_limit_s, seed=seed)
    else:
        result = schedule(event, time_limit_s=time_limit_s, seed=seed)
    updated = event.model_copy(update={"schedule": result.placements})
    report = result.model_dump(mode="json", exclude={"placements"})
    if proposals is not None:
        updated, added = fill(updated, proposals)
        report["filled"] = len(added)
    return updated, report


def match_proposals(
    event: Event, engine: MatchEngine, *, top: int = 50
) -> list[tuple[str, str, float]]:
    """Meetings the matching engine's ``b2b-event`` profile proposes between participants.

    Only participants linked to an actor (``actor_id``) take part; each pair appears once, with
    the better of its two directed scores, best first (ties by ids).
    """
    by_actor: dict[str, str] = {
        p.actor_id: p.id for p in event.participants if p.actor_id is not None
    }
    known = set(engine.index.ids)
    best: dict[tuple[str, str], float] = {}
    for actor_id, pid in sorted(by_actor.items()):
        if actor_id not in known:
            continue
        options = MatchOptions(profile="b2b-event", top=top, exclude_partners=False)
        for match in engine.match(actor_id, options):
            other = by_actor.get(match.partner_id)
            if other is None or other == pid:
                continue
            pair = (min(pid, other), max(pid, other))
            best[pair] = max(best.get(pair, 0.0), match.score)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(a, b, score) for (a, b), score in ranked]


def answer_request(event: Event, request_id: str, status: RequestStatus) -> Event:
    """The event with one meeting request accepted or declined.

    Raises
    ------
    NotFound
        No request has this id.
    ValidationFailed
        ``status`` is not an answer (``requested``).
    """
    if status is RequestStatus.REQUESTED:
        raise ValidationFailed("a request can only be accepted or declined")
    requests = list(event.requests)
    for i, request in enumerate(requests):
        if request.id == request_id:
            requests[i] = request.model_copy(update={"status": status})
            return _with(event, requests=[r.model_dump() for r in requests])
    raise NotFound("meeting request", request_id)


def _with(event: Event, **changes: Any) -> Event:
    """A validated copy of ``event`` with some top-level fields replaced."""
    return Event.model_validate({**event.model_dump(), **changes})


def put_participant(event: Event, participant: Participant) -> Event:
    """The event with ``participant`` added, or replacing the one with its id.

    Raises
    ------
    pydantic.ValidationError
        The event with it is not valid (e.g. a forbidden slot that does not exist).
    """
    others = [p.model_dump() for p in event.participants if p.id != participant.id]
    return _with(event, participants=[*others, participant.model_dump()])


def add_request(event: Event, request: MeetingRequest) -> Event:
    """The event with a new meeting request, recorded as ``requested`` whatever its status.

    Raises
    ------
    Conflict
        A request with this id exists.
    pydantic.ValidationError
        The event with it is not valid (e.g. an unknown participant).
    """
    if any(r.id == request.id for r in event.requests):
        raise Conflict(f"meeting request '{request.id}' exists")
    pending = request.model_copy(update={"status": RequestStatus.REQUESTED})
    return _with(event, requests=[*(r.model_dump() for r in event.requests), pending.model_dump()])
