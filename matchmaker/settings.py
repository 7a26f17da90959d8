"""Runtime settings, read from the environment (and an optional ``.env`` file).

Use :func:`get_settings`; it is cached, and the API overrides it in tests through
``app.dependency_overrides``. Nothing reads the environment at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration of stores, API and CLI."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    store: Literal["memory", "neo4j"] = Field(default="memory", alias="MATCHMAKER_STORE")
    data_file: Path | None = Field(default=None, alias="MATCHMAKER_DATA_FILE")
    neo4j_uri: str = Field(default="bolt://127.0.0.1:7687", alias="NEO4J_URI")
    neo4j_user: str = Field(default="neo4j", alias="NEO4J_USER")
    neo4j_password: SecretStr = Field(default=SecretStr(""), alias="NEO4J_PASSWORD")
    neo4j_database: str = Field(default="neo4j", alias="NEO4J_DATABASE")
    demo: bool = Field(default=False, alias="MATCHMAKER_DEMO")


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
