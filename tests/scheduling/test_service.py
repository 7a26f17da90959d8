"""The organiser's edits as domain functions: participants and meeting requests."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from matchmaker.errors import Conflict, NotFound
from matchmaker.scheduling.model import MeetingRequest, Participant, RequestStatus
from matchmaker.scheduling.service import add_request, answer_request, put_participant
from tests.scheduling.conftest import make_event


def test_put_participant_adds_or_replaces_by_id() -> None:
    event = make_event(2, [(0, 1)])
    added = put_participant(event, Participant(id="p9", name="New"))
    assert [p.id for p in added.participants] == ["p0", "p1", "p9"]
    replaced = put_participant(added, Participant(id="p0", name="Renamed", forbidden_slots=["s2"]))
    assert len(replaced.participants) == 3
    renamed = next(p for p in replaced.participants if p.id == "p0")
    assert (renamed.name, renamed.forbidden_slots) == ("Renamed", ["s2"])
    assert [p.id for p in event.participants] == ["p0", "p1"]


def test_put_participant_rejects_an_unknown_slot() -> None:
    event = make_event(2, [(0, 1)])
    with pytest.raises(ValidationError, match="unknown slot 'nope'"):
        put_participant(event, Participant(id="p0", name="P", forbidden_slots=["nope"]))


def test_add_request_records_it_as_requested_once() -> None:
    event = make_event(3, [(0, 1)])
    request = MeetingRequest(id="r1", requester="p2", invitee="p1", status=RequestStatus.ACCEPTED)
    updated = add_request(event, request)
    assert [(r.id, r.status) for r in updated.requests] == [("r1", RequestStatus.REQUESTED)]
    with pytest.raises(Conflict, match="r1"):
        add_request(updated, request)
    answered = answer_request(updated, "r1", RequestStatus.ACCEPTED)
    assert answered.requests[0].status is RequestStatus.ACCEPTED
    with pytest.raises(NotFound):
        answer_request(updated, "r2", RequestStatus.DECLINED)
