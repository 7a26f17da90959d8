"""Runtime settings, read from the environment (and an optional ``.env`` file).

Use :func:`get_settings`; it is cached, and the API overrides it in tests through
``app.dependency_overrides``. Nothing reads the environment at import time.
"""

from __future__ import annotations

import hashlib
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Role(StrEnum):
    """API roles; each includes the ones below it (admin > organiser > read)."""

    READ = "read"
    ORGANISER = "organiser"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"read": 0, "organiser": 1, "admin": 2}[self.value]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class ApiKey(BaseModel):
    """A configured API key: only its SHA-256 hash is kept (keys are random 32-byte tokens)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80)
    role: Role
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


def hash_key(key: str) -> str:
    """The stored form of an API key.

    >>> len(hash_key("secret"))
    64
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Settings(BaseSettings):
    """Configuration of stores, API and CLI."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    store: Literal["memory", "neo4j"] = Field(default="memory", alias="MATCHMAKER_STORE")
    data_file: Path | None = Field(default=None, alias="MATCHMAKER_DATA_FILE")
    neo4j_uri: str = Field(default="bolt://127.0.0.1:7687", alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(default=SecretStr(""), alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")
    neo4j_search: Literal["index", "cypher"] = Field(
        default="index",
        alias="NEO4J_SEARCH",
        description="Neo4j search: the synchronised in-process index, or Cypher only",
    )
    demo: bool = Field(default=False, alias="MATCHMAKER_DEMO")

    api_keys: list[ApiKey] = Field(
        default_factory=list,
        alias="MATCHMAKER_API_KEYS",
        description='JSON list: [{"name": "ops", "role": "admin", "sha256": "<hex>"}]',
    )
    public_reads: bool = Field(default=False, alias="MATCHMAKER_PUBLIC_READS")
    cors_origins: list[str] = Field(default_factory=list, alias="MATCHMAKER_CORS_ORIGINS")
    max_body_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, alias="MATCHMAKER_MAX_BODY")
    max_page_size: int = Field(default=1000, ge=1, le=10_000, alias="MATCHMAKER_MAX_PAGE")

    @field_validator("neo4j_uri")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        schemes = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
        if not value.startswith(schemes):
            raise ValueError("NEO4J_URI must start with bolt:// or neo4j:// (or their +s forms)")
        return value


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
