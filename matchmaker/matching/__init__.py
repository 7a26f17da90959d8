"""Partner matching: a snapshot index, weight profiles, the fast engine and a plain oracle.

Use :class:`MatchEngine` (``MatchEngine.from_store(store).match(actor_id, MatchOptions())``).
"""

from matchmaker.matching.index import MatchIndex
from matchmaker.matching.profiles import COMPONENTS, EngineConfig, Profile, default_config
from matchmaker.matching.results import ConceptPair, Match, MatchOptions
from matchmaker.matching.scoring import MatchEngine

__all__ = [
    "COMPONENTS",
    "ConceptPair",
    "EngineConfig",
    "Match",
    "MatchEngine",
    "MatchIndex",
    "MatchOptions",
    "Profile",
    "default_config",
]
