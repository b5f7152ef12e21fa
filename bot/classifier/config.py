# TEMP stand-in (uncommitted)
from pydantic import BaseModel, ConfigDict, Field
class ClassifierConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    threshold: float = Field(default=0.5, ge=0, le=1)
    topics: dict[str, list[str]] = {"billing": ["charged", "refund", "invoice"], "delivery": ["delivery", "parcel"]}
