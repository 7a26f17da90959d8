"""Cell parsing shared by the CSV formats: lists, competences, offers, memberships, kinds."""

from __future__ import annotations

import re
from typing import Any

from matchmaker.importing.rows import SourceRow
from matchmaker.models import ActorKind
from matchmaker.normalise import Normaliser, default_normaliser
from matchmaker.taxonomy import Taxonomy, default_taxonomy

_EXPLICIT_ID = re.compile(r"^([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?::([0-9]+))?$")
_LEVEL_SUFFIX = re.compile(r"^(.*\S)\s*:\s*([0-9]+)$")

_KIND_WORDS: tuple[tuple[ActorKind, tuple[str, ...]], ...] = (
    (
        ActorKind.UNIVERSITY,
        (
            "univ", "uniw", "hochschule", "politecnic", "polytechn", "politechn", "college",
            "ecole", "escola", "escuela", "technische universit", "sveucilist", "egyetem",
            "yliopisto", "universit", "akademi", "academy of sciences of", "tu ",
        ),
    ),
    (
        ActorKind.RESEARCH,
        (
            "institut", "research", "fraunhofer", "consiglio nazionale", "cnr", "cea ",
            "commissariat a l energie", "centre national de la recherche", "cnrs", "forschung",
            "centro de investigac", "centro ricerche", "laborator", "tecnalia", "sintef",
            "tno", "vtt ", "fundacion tekniker", "ikerlan", "academy of sciences", "inria",
            "inserm", "csic", "fondazione bruno kessler", "max planck", "helmholtz",
        ),
    ),
    (
        ActorKind.PUBLIC_BODY,
        (
            "ministry", "ministerio", "ministero", "ministere", "ministerium", "agency",
            "agence", "agencia", "agenzia", "region ", "regione", "regional council",
            "city of", "municipality", "gemeente", "ayuntamiento", "comune di", "council",
            "government", "bundesamt", "landesamt", "european commission",
        ),
    ),
    (ActorKind.CLUSTER, ("cluster", "pole de competitivite", "network of")),
)  # fmt: skip

KIND_CODES: dict[str, ActorKind] = {
    "PRC": ActorKind.COMPANY,
    "REC": ActorKind.RESEARCH,
    "HES": ActorKind.UNIVERSITY,
    "PUB": ActorKind.PUBLIC_BODY,
}
"""CORDIS activity types. ``OTH`` ("other") is inferred from the name instead."""


def infer_kind(name: str) -> ActorKind:
    """Guess an organisation's kind from its name (used when the source has no type).

    Universities first (``universit*``, ``hochschule``, ``politecnico``...), then research
    organisations (``institut*``, ``research``, ``fraunhofer``, ``cnr``, ``cea``...), public
    bodies (``ministry``, ``agency``, ``region``...) and clusters; otherwise a company.

    Examples
    --------
    >>> infer_kind("TECHNISCHE UNIVERSITAET MUENCHEN"), infer_kind("ARCAM AB")
    (<ActorKind.UNIVERSITY: 'university'>, <ActorKind.COMPANY: 'company'>)
    >>> infer_kind("FRAUNHOFER-GESELLSCHAFT ZUR FOERDERUNG DER ANGEWANDTEN FORSCHUNG E.V.")
    <ActorKind.RESEARCH: 'research'>
    """
    from matchmaker.cleaning import fold

    text = " " + " ".join(re.sub(r"[^a-z0-9]+", " ", fold(name)).split()) + " "
    for kind, words in _KIND_WORDS:
        if any((" " + w) in text for w in words):
            return kind
    return ActorKind.COMPANY


def split_list(cell: str, sep: str = ";") -> list[str]:
    """Non-empty, stripped items of a separated cell."""
    return [item.strip() for item in cell.split(sep) if item.strip()]


class CellParser:
    """Turns list cells into actor fields, normalising free text with the taxonomy."""

    def __init__(
        self, taxonomy: Taxonomy | None = None, normaliser: Normaliser | None = None
    ) -> None:
        self.taxonomy = taxonomy or default_taxonomy()
        self.normaliser = normaliser or (
            default_normaliser() if taxonomy is None else Normaliser(self.taxonomy)
        )

    def competences(self, cell: str, row: SourceRow, actor_field: str = "competences") -> None:
        """Parse ``concept_id[:level]`` or free text ``[:level]`` items into competences.

        Unknown explicit ids and bad levels are problems; free text no concept matches is a
        warning naming the text (it is never dropped silently).
        """
        found: dict[str, dict[str, Any]] = {}
        for item in split_list(cell):
            explicit = _EXPLICIT_ID.match(item)
            if explicit:
                concept, level = explicit.group(1), explicit.group(2)
                if concept not in self.taxonomy:
                    row.problem(actor_field, f"unknown concept '{concept}'")
                    continue
                number = int(level) if level else 2
                if not 1 <= number <= 3:
                    row.problem(actor_field, f"level of '{item}' must be 1, 2 or 3")
                    continue
                found.setdefault(concept, {"concept": concept, "level": number})
                continue
            text, level_text = item, None
            suffix = _LEVEL_SUFFIX.match(item)
            if suffix:
                text, level_text = suffix.group(1), suffix.group(2)
            level = int(level_text) if level_text else 2
            if not 1 <= level <= 3:
                row.problem(actor_field, f"level of '{item}' must be 1, 2 or 3")
                continue
            result = self.normaliser.normalise(text)
            ids = result.concept_ids()
            if not ids:
                row.warn(actor_field, f"no taxonomy concept recognised in '{text}'")
                continue
            for span in result.unmatched:
                row.warn(actor_field, f"not recognised in '{text}': '{span.text}'")
            for concept in ids:
                found.setdefault(concept, {"concept": concept, "level": level, "evidence": text})
        if found:
            row.data[actor_field] = list(found.values())

    def statements(self, cell: str, row: SourceRow, actor_field: str) -> None:
        """Offers or requests: one per item, the text kept, its concepts recognised."""
        items = []
        for text in split_list(cell):
            result = self.normaliser.normalise(text)
            ids = result.concept_ids()
            if not ids:
                row.warn(actor_field, f"no taxonomy concept recognised in '{text}' (text kept)")
            items.append({"concepts": ids[:50], "text": text})
        if items:
            row.data[actor_field] = items

    @staticmethod
    def memberships(cell: str, row: SourceRow) -> None:
        """Cluster ids, each optionally ``id:since-year``."""
        items = []
        for item in split_list(cell):
            cluster, _, since = item.partition(":")
            entry: dict[str, Any] = {"cluster": cluster.strip()}
            if since.strip():
                if not since.strip().isdigit():
                    row.problem("memberships", f"'{item}': the year after ':' must be a number")
                    continue
                entry["since"] = int(since)
            items.append(entry)
        if items:
            row.data["memberships"] = items
