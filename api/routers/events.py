"""B2B events: the event document, participants, meeting requests, scheduling jobs, exports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from api.deps import IdPath, StoreDep
from api.engines import EnginesDep
from api.jobs import Job, JobsDep
from api.security import Organiser, Reader
from graph.protocol import EventSummary
from matchmaker.errors import Conflict, NotFound
from matchmaker.scheduling import service
from matchmaker.scheduling.export import grid_csv, participant_html, participant_ics
from matchmaker.scheduling.model import Event, MeetingRequest, Participant, RequestStatus

router = APIRouter(tags=["events"])


@router.get("/events", response_model=list[EventSummary])
def list_events(store: StoreDep, _: Reader) -> list[EventSummary]:
    """Every event, with its counts."""
    return store.list_events()


@router.post("/events", response_model=Event, status_code=status.HTTP_201_CREATED)
def create_event(event: Event, store: StoreDep, _: Organiser) -> Event:
    """Create an event (days, sessions, slots, tables, participants, requests, meetings)."""
    try:
        store.get_event(event.id)
    except NotFound:
        store.save_event(event)
        return event
    raise Conflict(f"event '{event.id}' exists; use PUT /events/{event.id} to replace it")


@router.get("/events/{event_id}", response_model=Event)
def get_event(event_id: IdPath, store: StoreDep, _: Reader) -> Event:
    """The whole event document, with its schedule."""
    return store.get_event(event_id)


@router.put("/events/{event_id}", response_model=Event)
def replace_event(event_id: IdPath, event: Event, store: StoreDep, _: Organiser) -> Event:
    """Replace the event document (e.g. slots, tables or availability changed)."""
    if event.id != event_id:
        raise Conflict(f"body id '{event.id}' differs from path id '{event_id}'")
    store.save_event(event)
    return event


@router.delete("/events/{event_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_event(event_id: IdPath, store: StoreDep, _: Organiser) -> Response:
    """Delete an event."""
    store.delete_event(event_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/events/{event_id}/participants/{participant_id}", response_model=Event)
def put_participant(
    event_id: IdPath,
    participant_id: IdPath,
    participant: Participant,
    store: StoreDep,
    _: Organiser,
) -> Event:
    """Add or replace a participant (availability: sessions attended, forbidden slots)."""
    if participant.id != participant_id:
        raise Conflict(f"body id '{participant.id}' differs from path id '{participant_id}'")
    updated = service.put_participant(store.get_event(event_id), participant)
    store.save_event(updated)
    return updated


@router.post(
    "/events/{event_id}/requests", response_model=Event, status_code=status.HTTP_201_CREATED
)
def send_request(event_id: IdPath, request: MeetingRequest, store: StoreDep, _: Organiser) -> Event:
    """Record a meeting request between two participants (status ``requested``)."""
    updated = service.add_request(store.get_event(event_id), request)
    store.save_event(updated)
    return updated


@router.post("/events/{event_id}/requests/{request_id}/{answer}", response_model=Event)
def answer(
    event_id: IdPath,
    request_id: IdPath,
    answer: RequestStatus,
    store: StoreDep,
    _: Organiser,
) -> Event:
    """Accept or decline a request (``answer`` = ``accepted`` or ``declined``)."""
    updated = service.answer_request(store.get_event(event_id), request_id, answer)
    store.save_event(updated)
    return updated


@router.post(
    "/events/{event_id}/schedule", response_model=Job, status_code=status.HTTP_202_ACCEPTED
)
def start_schedule(
    event_id: IdPath,
    store: StoreDep,
    engines: EnginesDep,
    jobs: JobsDep,
    response: Response,
    _: Organiser,
    time_limit: Annotated[float, Query(gt=0, le=600, description="seconds")] = 60.0,
    seed: Annotated[int, Query(ge=0)] = 0,
    fresh: Annotated[bool, Query(description="ignore the stored schedule")] = False,
    fill: Annotated[bool, Query(description="fill free slots with proposed meetings")] = False,
) -> Job:
    """Start scheduling as a job; poll ``GET /jobs/{id}``. Unaffected meetings keep their place
    unless ``fresh``."""
    event = store.get_event(event_id)
    proposals = service.match_proposals(event, engines.match_engine(store)) if fill else None

    def work() -> dict[str, Any]:
        updated, report = service.run_schedule(
            event, time_limit_s=time_limit, seed=seed, fresh=fresh, proposals=proposals
        )
        store.save_event(updated)
        return report

    job = jobs.submit("schedule", event_id, time_limit, work)
    response.headers["Location"] = f"/jobs/{job.id}"
    return job


@router.get("/jobs/{job_id}", response_model=Job)
def get_job(job_id: IdPath, jobs: JobsDep, _: Reader) -> Job:
    """A job's state, progress (0..1, by elapsed time against the limit) and result."""
    return jobs.get(job_id)


def _scheduled(store: StoreDep, event_id: str, participant_id: str | None = None) -> Event:
    event = store.get_event(event_id)
    if participant_id is not None and all(p.id != participant_id for p in event.participants):
        raise NotFound("participant", participant_id)
    if not event.schedule:
        raise Conflict(f"event '{event_id}' has no schedule yet: POST /events/{event_id}/schedule")
    return event


@router.get(
    "/events/{event_id}/grid.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def grid(event_id: IdPath, store: StoreDep, _: Reader) -> Response:
    """The organiser grid: one row per slot and table."""
    return Response(grid_csv(_scheduled(store, event_id)), media_type="text/csv")


@router.get(
    "/events/{event_id}/agenda/{participant_id}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}}},
)
def agenda_ics(event_id: IdPath, participant_id: IdPath, store: StoreDep, _: Reader) -> Response:
    """A participant's agenda as iCalendar (Google, Outlook and Apple import it)."""
    event = _scheduled(store, event_id, participant_id)
    return Response(
        participant_ics(event, participant_id),
        media_type="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{participant_id}.ics"'},
    )


@router.get(
    "/events/{event_id}/agenda/{participant_id}.html",
    response_class=Response,
    responses={200: {"content": {"text/html": {}}}},
)
def agenda_html(event_id: IdPath, participant_id: IdPath, store: StoreDep, _: Reader) -> Response:
    """A participant's printable agenda."""
    event = _scheduled(store, event_id, participant_id)
    return Response(participant_html(event, participant_id), media_type="text/html")
