"""Simulated annealing over Kempe-chain moves: complete, fair schedules with few breaks, fast.

The exact phases (:mod:`~matchmaker.scheduling.maxsat`, :mod:`~matchmaker.scheduling.satsearch`)
prove bounds, but on some events finding a schedule at the optimum is the hard part for them, and
on large events (a thousand participants) their models are too big. This search works on an
assignment of meetings to slots that always respects the hard rules (one meeting per participant
and slot, tables per slot, allowed slots, pinned meetings, precedences); meetings it could not
place yet are "unplaced" and cost ``UNPLACED`` each.

Moves
-----
* **Kempe chain**: take a placed meeting in slot ``s1`` and a target slot ``s2``; the meetings
  in ``s1`` and ``s2`` that are linked to it through shared participants form a chain, and the
  whole chain swaps slots. No participant is double-booked afterwards, so the move only has to
  check tables, allowed slots and precedences. A meeting whose two participants are free in
  ``s2`` is a chain of one (a plain move); two meetings of one participant swap as a chain.
* **Insertion** of an unplaced meeting into an allowed slot, ejecting the meetings of its two
  participants there (and, when the slot has no free table, one other meeting of that slot).

Cost: ``UNPLACED`` per unplaced meeting plus, for every participant, ``W_BREAK`` per break,
``W_IDLE`` per idle slot inside its day's span and ``OVER`` per break above ``max_breaks``.
Moves are accepted by the Metropolis rule at a temperature that cools geometrically and starts
again hot after each cycle. The inner loop is compiled with numba; it draws from numba's own
generator, seeded once per run, and runs in chunks of iterations between which the caller may
stop it: a run with the same seed and the same number of iterations is the same run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit

from matchmaker.scheduling.core import CoreProblem

UNPLACED = 15
P_EJECT = 0.1
OVER = 20
W_BREAK = 3
W_IDLE = 1
T_HOT = 3.0
T_COLD = 0.2
CYCLE = 10_000_000
CHUNK = 100_000
MAX_SLOTS = 62
CHAIN_LIMIT = 64

# scalar state (one int64 array)
_COST, _NUNPL, _TOTAL, _NOVER, _BEST_TOTAL, _BEST_PCOST, _STAMP, _TSTAMP, _ITER = range(9)


@dataclass(slots=True)
class SearchResult:
    """The best complete schedule that keeps ``max_breaks`` (``None`` if none was found), its
    total breaks, the best assignment overall (may leave meetings unplaced) and the iterations
    used."""

    slots: list[int | None] | None
    total_breaks: int | None
    best_partial: list[int | None]
    iterations: int


def applicable(problem: CoreProblem) -> bool:
    """Whether the search can run: slots fit its 62-bit busy masks."""
    return 0 < problem.n_slots <= MAX_SLOTS and len(problem.meetings) > 0


@njit(cache=True)
def _popcount(x: int) -> int:
    x = x - ((x >> 1) & 0x5555555555555555)
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F
    x = x + (x >> 8)
    x = x + (x >> 16)
    x = x + (x >> 32)
    return x & 0x7F


@njit(cache=True)
def _breaks(busy: int, adj: int, day_masks: np.ndarray) -> int:
    if busy == 0:
        return 0
    starts = busy & ~((busy << 1) & adj)
    days = 0
    for dm in day_masks:
        if busy & dm:
            days += 1
    return _popcount(starts) - days


@njit(cache=True)
def _idle(busy: int, day_masks: np.ndarray) -> int:
    out = 0
    for dm in day_masks:
        x = busy & dm
        if x:
            low = x & -x
            h = x | (x >> 1)
            h = h | (h >> 2)
            h = h | (h >> 4)
            h = h | (h >> 8)
            h = h | (h >> 16)
            h = h | (h >> 32)
            high = h ^ (h >> 1)
            out += _popcount((high << 1) - low) - _popcount(x)
    return out


@njit(cache=True)
def _cost(busy: int, adj: int, day_masks: np.ndarray, w: np.ndarray) -> int:
    br = _breaks(busy, adj, day_masks)
    c = w[0] * br + w[1] * _idle(busy, day_masks)
    over = br - w[3]
    if over > 0:
        c += w[2] * over
    return c  # type: ignore[no-any-return]


@njit(cache=True)
def _seed_rng(seed: int) -> None:
    np.random.seed(seed)


@njit(cache=True)
def _put(i, s, a, b, slot, at, cnt, busy, smem, spos):  # type: ignore[no-untyped-def]
    slot[i] = s
    at[a[i], s] = i
    at[b[i], s] = i
    smem[s, cnt[s]] = i
    spos[i] = cnt[s]
    cnt[s] += 1
    busy[a[i]] |= 1 << s
    busy[b[i]] |= 1 << s


@njit(cache=True)
def _take(i, a, b, slot, at, cnt, busy, smem, spos):  # type: ignore[no-untyped-def]
    s = slot[i]
    slot[i] = -1
    at[a[i], s] = -1
    at[b[i], s] = -1
    last = smem[s, cnt[s] - 1]
    smem[s, spos[i]] = last
    spos[last] = spos[i]
    cnt[s] -= 1
    busy[a[i]] &= ~(1 << s)
    busy[b[i]] &= ~(1 << s)


@njit(cache=True)
def _slot_during_move(j, slot, mark, stamp, s1, s2):  # type: ignore[no-untyped-def]
    """Where meeting ``j`` is during a move: chain members (``mark == stamp``) swap between
    ``s1`` and ``s2``, ejected meetings (``mark == -stamp``) are nowhere (-1)."""
    if mark[j] == stamp:
        return s2 if slot[j] == s1 else s1
    if mark[j] == -stamp:
        return -1
    return slot[j]


@njit(cache=True)
def _prec_ok(k, t, slot, mark, stamp, s1, s2, pre_ptr, pre_idx, suc_ptr, suc_idx):  # type: ignore[no-untyped-def]
    """Whether meeting ``k`` in slot ``t`` keeps its precedences during a move."""
    for q in range(pre_ptr[k], pre_ptr[k + 1]):
        sj = _slot_during_move(pre_idx[q], slot, mark, stamp, s1, s2)
        if sj >= 0 and sj >= t:
            return False
    for q in range(suc_ptr[k], suc_ptr[k + 1]):
        sj = _slot_during_move(suc_idx[q], slot, mark, stamp, s1, s2)
        if sj >= 0 and sj <= t:
            return False
    return True


@njit(cache=True)
def _run(  # type: ignore[no-untyped-def]
    n_iter,
    a,
    b,
    allow,
    al_ptr,
    al_s,
    fixed,
    has_prec,
    pre_ptr,
    pre_idx,
    suc_ptr,
    suc_idx,
    cap,
    adj,
    day_masks,
    w,
    slot,
    at,
    cnt,
    busy,
    brk,
    pc,
    smem,
    spos,
    unpl,
    upos,
    movable,
    sc,
    temp_state,
    best_slot,
    best_partial,
    mark,
    tmark,
    tog,
    touched,
    newb,
    chain,
    ctgt,
    fsc,
):
    """``n_iter`` moves; returns True when a complete schedule reached ``w[5]`` (the target)."""
    n_part = busy.shape[0]
    n_slots = cap.shape[0]
    maxb = w[3]
    unplaced_w = w[4]
    target = w[5]
    limit = w[6]
    t_hot, t_cold, cool, p_eject = fsc[0], fsc[1], fsc[2], fsc[3]
    temp = temp_state[0]
    n_mov = movable.shape[0]
    for _ in range(n_iter):
        sc[_ITER] += 1
        if sc[_ITER] & 1023 == 0:
            temp *= cool
            if temp < t_cold:
                temp = t_hot
        delta = 0
        accepted = False
        r = np.random.random()
        if (sc[_NUNPL] > 0 and r < 0.3) or (n_mov > 0 and r > 1.0 - p_eject):
            # place a meeting (unplaced, or moved) in a slot, ejecting what is in its way
            if sc[_NUNPL] > 0 and r < 0.3:
                idx = np.random.randint(0, sc[_NUNPL])
                i = unpl[idx]
                s_old = -1
            else:
                idx = -1
                i = movable[np.random.randint(0, n_mov)]
                s_old = slot[i]
                if s_old < 0:
                    continue
            na = al_ptr[i + 1] - al_ptr[i]
            if na == 0:
                continue
            s = al_s[al_ptr[i] + np.random.randint(0, na)]
            if s == s_old:
                continue
            ai, bi = a[i], b[i]
            o1 = at[ai, s]
            o2 = at[bi, s]
            if o2 == o1:
                o2 = -1
            n_out = (1 if o1 >= 0 else 0) + (1 if o2 >= 0 else 0)
            o3 = -1
            if n_out > 0 and s_old >= 0 and has_prec[i]:
                continue
            if cnt[s] - n_out >= cap[s]:
                if n_out > 0 or cnt[s] == 0:
                    continue
                o3 = smem[s, np.random.randint(0, cnt[s])]
                n_out = 1
            if (o1 >= 0 and fixed[o1]) or (o2 >= 0 and fixed[o2]) or (o3 >= 0 and fixed[o3]):
                continue
            if has_prec[i]:
                sc[_STAMP] += 1
                st = sc[_STAMP]
                for o in (o1, o2, o3):
                    if o >= 0:
                        mark[o] = -st
                if not _prec_ok(i, s, slot, mark, st, -2, -2, pre_ptr, pre_idx, suc_ptr, suc_idx):
                    continue
            # busy sets after the move
            sc[_TSTAMP] += 1
            ts = sc[_TSTAMP]
            n_t = 0
            bit = 1 << s
            for o in (o1, o2, o3):
                if o >= 0:
                    obit = 1 << slot[o]
                    for q in (a[o], b[o]):
                        if tmark[q] != ts:
                            tmark[q] = ts
                            newb[q] = busy[q]
                            touched[n_t] = q
                            n_t += 1
                        newb[q] &= ~obit
            old_bit = (1 << s_old) if s_old >= 0 else 0
            for q in (ai, bi):
                if tmark[q] != ts:
                    tmark[q] = ts
                    newb[q] = busy[q]
                    touched[n_t] = q
                    n_t += 1
                newb[q] = (newb[q] & ~old_bit) | bit
            delta = unplaced_w * (n_out - (1 if s_old < 0 else 0))
            for t in range(n_t):
                q = touched[t]
                delta += _cost(newb[q], adj, day_masks, w) - pc[q]
            if delta > 0 and np.random.random() >= np.exp(-delta / temp):
                continue
            for o in (o1, o2, o3):
                if o >= 0:
                    _take(o, a, b, slot, at, cnt, busy, smem, spos)
            if s_old >= 0:
                _take(i, a, b, slot, at, cnt, busy, smem, spos)
            _put(i, s, a, b, slot, at, cnt, busy, smem, spos)
            if idx >= 0:
                last = unpl[sc[_NUNPL] - 1]
                unpl[idx] = last
                upos[last] = idx
                upos[i] = -1
                sc[_NUNPL] -= 1
            for o in (o1, o2, o3):
                if o >= 0:
                    unpl[sc[_NUNPL]] = o
                    upos[o] = sc[_NUNPL]
                    sc[_NUNPL] += 1
            accepted = True
        else:
            if n_mov == 0:
                continue
            i = -1
            if np.random.random() < 0.5:
                q = np.random.randint(0, n_part)
                if pc[q] > 0:
                    k = np.random.randint(0, n_slots)
                    for off in range(n_slots):
                        s_try = k + off
                        if s_try >= n_slots:
                            s_try -= n_slots
                        j = at[q, s_try]
                        if j >= 0 and not fixed[j]:
                            i = j
                            break
            if i < 0:
                i = movable[np.random.randint(0, n_mov)]
            s1 = slot[i]
            if s1 < 0:
                continue
            na = al_ptr[i + 1] - al_ptr[i]
            s2 = al_s[al_ptr[i] + np.random.randint(0, na)]
            if s2 == s1:
                continue
            bit1 = 1 << s1
            bit2 = 1 << s2
            sc[_STAMP] += 1
            st = sc[_STAMP]
            mark[i] = st
            chain[0] = i
            n_c = 1
            head = 0
            n1 = 0
            n2 = 0
            ok = True
            any_prec = False
            while head < n_c:
                k = chain[head]
                head += 1
                if fixed[k]:
                    ok = False
                    break
                if has_prec[k]:
                    any_prec = True
                if slot[k] == s1:
                    n1 += 1
                    if not allow[k] & bit2:
                        ok = False
                        break
                    other = s2
                else:
                    n2 += 1
                    if not allow[k] & bit1:
                        ok = False
                        break
                    other = s1
                ctgt[head - 1] = other
                for q in (a[k], b[k]):
                    j = at[q, other]
                    if j >= 0 and mark[j] != st:
                        if n_c >= limit:
                            ok = False
                            break
                        mark[j] = st
                        chain[n_c] = j
                        n_c += 1
                if not ok:
                    break
            if not ok:
                continue
            if cnt[s2] - n2 + n1 > cap[s2] or cnt[s1] - n1 + n2 > cap[s1]:
                continue
            if any_prec:
                for c in range(n_c):
                    k = chain[c]
                    if has_prec[k]:
                        t = ctgt[c]
                        if not _prec_ok(
                            k, t, slot, mark, st, s1, s2, pre_ptr, pre_idx, suc_ptr, suc_idx
                        ):
                            ok = False
                            break
                if not ok:
                    continue
            flip = bit1 | bit2
            sc[_TSTAMP] += 1
            ts = sc[_TSTAMP]
            n_t = 0
            for c in range(n_c):
                k = chain[c]
                kb = 1 << slot[k]
                for q in (a[k], b[k]):
                    if tmark[q] != ts:
                        tmark[q] = ts
                        tog[q] = 0
                        touched[n_t] = q
                        n_t += 1
                    tog[q] ^= kb
            for t in range(n_t):
                q = touched[t]
                had = tog[q]
                if had != flip:
                    nb = (busy[q] & ~flip) | (flip & ~had)
                    delta += _cost(nb, adj, day_masks, w) - pc[q]
            if delta > 0 and np.random.random() >= np.exp(-delta / temp):
                continue
            for c in range(n_c):
                _take(chain[c], a, b, slot, at, cnt, busy, smem, spos)
            for c in range(n_c):
                _put(chain[c], ctgt[c], a, b, slot, at, cnt, busy, smem, spos)
            accepted = True
        if not accepted:
            continue
        # participants' costs
        for t in range(n_t):
            q = touched[t]
            old_b = brk[q]
            nbk = _breaks(busy[q], adj, day_masks)
            sc[_TOTAL] += nbk - old_b
            if old_b > maxb:
                sc[_NOVER] -= 1
            if nbk > maxb:
                sc[_NOVER] += 1
            brk[q] = nbk
            pc[q] = _cost(busy[q], adj, day_masks, w)
        sc[_COST] += delta
        if sc[_COST] < sc[_BEST_PCOST]:
            sc[_BEST_PCOST] = sc[_COST]
            best_partial[:] = slot
        if sc[_NUNPL] == 0 and sc[_NOVER] == 0 and sc[_TOTAL] < sc[_BEST_TOTAL]:
            sc[_BEST_TOTAL] = sc[_TOTAL]
            best_slot[:] = slot
            if sc[_TOTAL] <= target:
                temp_state[0] = temp
                return True
    temp_state[0] = temp
    return False


def anneal(
    problem: CoreProblem,
    start: Sequence[int | None],
    *,
    max_breaks: int,
    target: int = 0,
    time_limit_s: float = 10.0,
    max_iterations: int = 10**12,
    pins: Mapping[int, int] | None = None,
    seed: int = 0,
    stop: Callable[[int | None, int], bool] | None = None,
    patience: int | None = None,
    cycle: int = CYCLE,
) -> SearchResult:
    """Improve ``start`` towards every meeting placed with the fewest breaks, each at most
    ``max_breaks``.

    Parameters
    ----------
    problem: the problem (at most 62 slots, see :func:`applicable`).
    start: a starting assignment (``None``: unplaced); entries that break a rule are dropped.
    max_breaks: breaks allowed per participant (``-1``: no limit).
    target: stop as soon as a complete schedule has this many breaks or fewer (a proved bound).
    time_limit_s: wall-clock limit, checked between chunks of iterations.
    max_iterations: move limit (with the seed it makes a run repeatable).
    pins: meetings fixed to a slot.
    seed: random seed.
    stop: called between chunks with the best complete total so far and the moves since it last
        improved; ``True`` ends the search.
    patience: end the search when a complete schedule exists and the best total has not improved
        for this many iterations.
    cycle: iterations from hot to cold before the temperature starts again.

    Returns
    -------
    A :class:`SearchResult`.

    Example
    -------
    >>> from matchmaker.scheduling.core import CoreMeeting
    >>> p = CoreProblem(3, 3, (1, 1, 1), (CoreMeeting(0, 1, (0, 1, 2)), CoreMeeting(0, 2, (0, 2))))
    >>> r = anneal(p, [0, 2], max_breaks=2, time_limit_s=2)
    >>> r.total_breaks, sorted(r.slots)
    (0, [1, 2])
    """
    pins = dict(pins or {})
    n = len(problem.meetings)
    n_part = problem.n_participants
    n_slots = problem.n_slots
    if not applicable(problem):
        raise ValueError(f"local search needs 1..{MAX_SLOTS} slots and a meeting")
    a = np.array([m.a for m in problem.meetings], dtype=np.int64)
    b = np.array([m.b for m in problem.meetings], dtype=np.int64)
    allowed = [(pins[i],) if i in pins else m.allowed for i, m in enumerate(problem.meetings)]
    allow = np.array([sum(1 << s for s in al) for al in allowed], dtype=np.int64)
    al_ptr = np.zeros(n + 1, dtype=np.int64)
    al_ptr[1:] = np.cumsum([len(al) for al in allowed])
    al_s = np.array([s for al in allowed for s in al], dtype=np.int64)
    fixed = np.array([i in pins or len(allowed[i]) <= 1 for i in range(n)], dtype=np.bool_)
    pre: list[list[int]] = [[] for _ in range(n)]
    suc: list[list[int]] = [[] for _ in range(n)]
    for i, j in problem.precedences:
        suc[i].append(j)
        pre[j].append(i)
    has_prec = np.array([bool(pre[i] or suc[i]) for i in range(n)], dtype=np.bool_)
    pre_ptr, pre_idx = _csr(pre)
    suc_ptr, suc_idx = _csr(suc)
    cap = np.array([min(c, n) for c in problem.capacity], dtype=np.int64)
    adj = sum(1 << s for s in range(n_slots) if problem.adjacent(s))
    days: dict[int, int] = {}
    for s, day in enumerate(problem.day_of):
        days[day] = days.get(day, 0) | (1 << s)
    day_masks = np.array(list(days.values()), dtype=np.int64)
    limit = CHAIN_LIMIT
    w = np.array(
        [W_BREAK, W_IDLE, OVER, max_breaks if max_breaks >= 0 else 10**6, UNPLACED, target, limit],
        dtype=np.int64,
    )
    slot = np.full(n, -1, dtype=np.int64)
    at = np.full((n_part, n_slots), -1, dtype=np.int64)
    cnt = np.zeros(n_slots, dtype=np.int64)
    busy = np.zeros(n_part, dtype=np.int64)
    smem = np.full((n_slots, max(1, int(cap.max()))), -1, dtype=np.int64)
    spos = np.full(n, -1, dtype=np.int64)
    order = sorted(range(n), key=lambda i: i not in pins)
    for i in order:
        s0 = pins.get(i, start[i] if i < len(start) else None)
        if s0 is None or s0 < 0 or not (int(allow[i]) >> s0) & 1:
            continue
        if at[a[i], s0] >= 0 or at[b[i], s0] >= 0 or cnt[s0] >= cap[s0]:
            continue
        if has_prec[i] and not _prec_start_ok(i, s0, slot, pre, suc):
            continue
        _put(i, s0, a, b, slot, at, cnt, busy, smem, spos)
    unplaced = [i for i in range(n) if slot[i] < 0]
    unpl = np.zeros(n, dtype=np.int64)
    upos = np.full(n, -1, dtype=np.int64)
    for k, i in enumerate(unplaced):
        unpl[k] = i
        upos[i] = k
    brk = np.array([_breaks(int(x), adj, day_masks) for x in busy], dtype=np.int64)
    pc = np.array([_cost(int(x), adj, day_masks, w) for x in busy], dtype=np.int64)
    maxb = int(w[3])
    sc = np.zeros(9, dtype=np.int64)
    sc[_COST] = UNPLACED * len(unplaced) + int(pc.sum())
    sc[_NUNPL] = len(unplaced)
    sc[_TOTAL] = int(brk.sum())
    sc[_NOVER] = int((brk > maxb).sum())
    sc[_BEST_TOTAL] = 1 << 60
    sc[_BEST_PCOST] = sc[_COST]
    best_slot = slot.copy()
    best_partial = slot.copy()
    if sc[_NUNPL] == 0 and sc[_NOVER] == 0:
        sc[_BEST_TOTAL] = sc[_TOTAL]
    movable = np.array([i for i in range(n) if not fixed[i]], dtype=np.int64)
    fsc = np.array([T_HOT, T_COLD, (T_COLD / T_HOT) ** (1024 / max(1024, cycle)), P_EJECT])
    temp_state = np.array([T_HOT])
    mark = np.zeros(n, dtype=np.int64)
    tmark = np.zeros(n_part, dtype=np.int64)
    tog = np.zeros(n_part, dtype=np.int64)
    touched = np.zeros(n_part, dtype=np.int64)
    newb = np.zeros(n_part, dtype=np.int64)
    chain = np.zeros(limit + 1, dtype=np.int64)
    ctgt = np.zeros(limit + 1, dtype=np.int64)
    _seed_rng(seed)
    deadline = time.monotonic() + time_limit_s
    done = bool(sc[_BEST_TOTAL] <= target)
    last_best, improved_at = int(sc[_BEST_TOTAL]), 0
    while not done and sc[_ITER] < max_iterations and (movable.size or sc[_NUNPL]):
        chunk = int(min(CHUNK, max_iterations - sc[_ITER]))
        done = _run(
            chunk, a, b, allow, al_ptr, al_s, fixed, has_prec, pre_ptr, pre_idx, suc_ptr,
            suc_idx, cap, adj, day_masks, w, slot, at, cnt, busy, brk, pc, smem, spos, unpl,
            upos, movable, sc, temp_state, best_slot, best_partial, mark, tmark, tog, touched,
            newb, chain, ctgt, fsc,
        )  # fmt: skip
        if time.monotonic() > deadline:
            break
        best_now = int(sc[_BEST_TOTAL]) if sc[_BEST_TOTAL] < 1 << 60 else None
        if best_now is not None and best_now < last_best:
            last_best, improved_at = best_now, int(sc[_ITER])
        stalled = int(sc[_ITER]) - improved_at
        if stop is not None and stop(best_now, stalled):
            break
        if best_now is not None and patience is not None and stalled > patience:
            break
    found = sc[_BEST_TOTAL] < 1 << 60
    return SearchResult(
        slots=[int(s) if s >= 0 else None for s in best_slot] if found else None,
        total_breaks=int(sc[_BEST_TOTAL]) if found else None,
        best_partial=[int(s) if s >= 0 else None for s in best_partial],
        iterations=int(sc[_ITER]),
    )


def _csr(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    idx = np.array([x for r in rows for x in r], dtype=np.int64)
    return ptr, idx


def _prec_start_ok(
    i: int, s: int, slot: np.ndarray, pre: list[list[int]], suc: list[list[int]]
) -> bool:
    return all(slot[j] < 0 or slot[j] < s for j in pre[i]) and all(
        slot[j] < 0 or slot[j] > s for j in suc[i]
    )
