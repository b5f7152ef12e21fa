"""The `[classifier]` table of the config."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_TOPICS = {
    "billing": ["bill", "billing", "charge", "charged", "overcharged", "refund", "invoice", "payment", "price", "subscription", "fee", "money back"],
    "delivery": ["delivery", "delivered", "shipping", "shipment", "parcel", "package", "courier", "arrived", "tracking", "late", "lost"],
    "support": ["support", "customer service", "helpdesk", "ticket", "agent", "on hold", "no reply", "no response", "chat", "call centre", "call center"],
    "product": ["broken", "bug", "crash", "crashes", "crashing", "defect", "doesn't work", "not working", "stopped working", "error", "quality", "update"],
    "staff": ["staff", "rude", "employee", "manager", "driver", "cashier", "attitude"],
    "account": ["account", "login", "log in", "password", "locked out", "hacked", "data breach", "privacy"],
}
DEFAULT_URGENT: dict[Literal["critical", "high"], list[str]] = {
    "critical": ["lawsuit", "lawyer", "legal action", "sue", "suing", "unsafe", "dangerous", "injured", "injury", "fire", "data breach", "hacked", "fraud", "police"],
    "high": ["refund", "chargeback", "cancel", "cancelling", "canceling", "scam", "never again", "report you", "trading standards", "ombudsman", "bbb"],
}


class ClassifierConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    backend: Literal["default", "lexicon", "transformers", "llm"] = "default"
    # transformers: a sentiment model name from the Hugging Face hub (needs `pip install transformers torch`).
    transformers_model: str = "distilbert-base-uncased-finetuned-sst-2-english"
    # llm: any OpenAI-compatible chat completions API; falls back to the default detector on errors.
    llm_base_url: str = "https://api.openai.com/v1"
    llm_model: str = "gpt-4o-mini"
    llm_api_key_env: str = "OPENAI_API_KEY"
    llm_timeout_seconds: float = Field(default=10.0, gt=0)
    topics: dict[str, list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_TOPICS.items()})
    urgent_terms: dict[Literal["critical", "high"], list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_URGENT.items()})
    # Reach (followers, points, karma) at which a mention counts as high-severity on its own.
    high_reach: int = Field(default=10_000, ge=0)
    # Tell the first manager at once (DM) about cases at or above this severity.
    notify_manager_at: Literal["high", "critical", "never"] = "critical"
    # The team's models (train --add, model list / use): default `models/` beside the SQLite file, or beside the config.
    models_dir: Path | None = None
    # Pin one model file instead of the one `complaint-bot model use` chose (default: that one, else the shipped model).
    model: Path | None = None
    # Warn once in the channel when the team's own decisions put a source's precision below this...
    precision_floor: float = Field(default=0.6, ge=0.0, le=1.0)
    # ...over at least this many decisions (not a complaint, against claimed or resolved as one) in the last 30 days.
    precision_min_decisions: int = Field(default=20, ge=1)
