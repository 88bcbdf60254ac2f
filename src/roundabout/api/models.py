"""Request models of the API: strict (no silent coercion) and closed (unknown fields rejected).

JSON bodies are validated in pydantic's strict mode: ``"1"`` is not an integer, ``"true"`` is
not a boolean, and a field nobody defined is an error rather than ignored. Query strings are
text by nature, so GET parameters are parsed from text but still closed (``extra="forbid"``)
and bounded.

``/match`` follows yente's request and response shape where it fits: a ``queries`` object of
named entities, each a FollowTheMoney-style ``schema`` and ``properties`` of string lists;
each answer has ``status``, ``results`` (``id``, ``caption``, ``schema``, ``score``, ``match``,
``features``, ...), ``total`` and the ``query`` echoed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from roundabout.analytics.params import DEFAULT_GOODS, DEFAULT_TARGET
from roundabout.api import weights
from roundabout.api.settings import DEFAULTS, MIN_THRESHOLD
from roundabout.api.weights import MAX_ABS

STRICT = ConfigDict(strict=True, extra="forbid")
LAX_CLOSED = ConfigDict(extra="forbid")

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{2,12}$")]
Month = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}$")]
Span = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}(:[0-9]{4}-[0-9]{2})?$")]
CodeList = Annotated[
    str, StringConstraints(pattern=r"^\+?[A-Za-z0-9_]{2,12}(,\+?[A-Za-z0-9_]{2,12})*$")
]
HubList = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{2,12}(,[A-Za-z0-9_]{2,12})*$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Prefixes = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,10}(,[0-9]{2,10})*$")]

SCHEMAS = ("Thing", "LegalEntity", "Person", "Organization", "Company", "Vessel", "Aircraft")
#: yente/FollowTheMoney identifier properties -> the roundabout identifier kinds they are
#: matched as. A ``registrationNumber`` may be a Russian OGRN or a Kazakh BIN as well as a
#: registration number of another country; a ``taxNumber`` of a Russian party is its INN.
ID_PROPERTIES: dict[str, tuple[str, ...]] = {
    "innCode": ("inn",),
    "taxNumber": ("inn",),
    "ogrnCode": ("ogrn",),
    "binCode": ("bin",),
    "imoNumber": ("imo",),
    "registrationNumber": ("registration", "ogrn", "bin"),
    "passportNumber": ("passport",),
    "idNumber": ("national_id",),
    "swiftBic": ("swift",),
}
#: Properties read as the entity's country, in this order (yente reads all three).
COUNTRY_PROPERTIES = ("country", "nationality", "jurisdiction")


class LeaksQuery(BaseModel):
    """``GET /leaks``: the options of ``roundabout leaks``."""

    model_config = LAX_CLOSED

    target: Code = DEFAULT_TARGET
    hubs: CodeList | None = Field(None, description="Comma-separated ISO3; '+CHN' adds.")
    origins: CodeList | None = None
    goods: Literal["eu_hs6", "eu_cn8", "chp"] = DEFAULT_GOODS
    baseline: Span | None = None
    window: Span | None = None
    top: int = Field(25, ge=1, le=500)
    did: bool = True


class FlowsQuery(BaseModel):
    """``GET /flows``: filtered aggregates of the canonical flows."""

    model_config = LAX_CLOSED

    reporters: CodeList | None = None
    partners: CodeList | None = None
    flow: Literal["export", "import", "re-export", "re-import"] | None = None
    products: Prefixes | None = Field(None, description="Code prefixes: 84 is chapter 84.")
    product_level: int | None = Field(None, ge=0, le=10)
    freq: Literal["M", "A"] | None = None
    period_from: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}(-[0-9]{2})?$")] | None = None
    period_to: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}(-[0-9]{2})?$")] | None = None
    by: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(,[a-z0-9_]+)*$")] = "period"
    limit: int = Field(1000, ge=1, le=10_000)


class ChartQuery(BaseModel):
    """``GET /charts/{name}``: the dashboard's filters."""

    model_config = LAX_CLOSED

    hub: HubList | None = Field(None, description="A hub or several: ARM,KAZ.")
    products: Prefixes | None = None
    period_from: Month | None = None
    period_to: Month | None = None


Values = Annotated[list[Text], Field(min_length=1, max_length=20)]


class MatchEntity(BaseModel):
    """One entity to match, FollowTheMoney style: ``{"schema": "Company", "properties":
    {"name": ["..."], "country": ["ru"], "innCode": ["..."]}}``. As in yente, a property
    may be one string instead of a list, and the entity may carry its own ``id`` (echoed
    in the answer's ``query``)."""

    model_config = STRICT

    id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    schema_: Literal[SCHEMAS] = Field("Thing", alias="schema")  # type: ignore[valid-type]
    properties: dict[
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{1,40}$")],
        Values | Text,
    ]

    def values(self, prop: str) -> list[str]:
        """The values of ``prop`` as a list (a single string is a list of one)."""
        v = self.properties.get(prop, [])
        return [v] if isinstance(v, str) else list(v)

    def lists(self) -> dict[str, list[str]]:
        """Every property as a list of values (how the answer echoes the query)."""
        return {k: self.values(k) for k in self.properties}


class MatchRequest(BaseModel):
    """``POST /match``: named entities to match (yente's ``queries``).

    ``weights`` is yente's (feature name -> weight): roundabout's own entity rule names and
    the yente features with a counterpart among them reweigh those rules for this request
    (:mod:`roundabout.api.weights`); every other name is reported as not applied. Names are
    plain words (at most 80 characters of letters, digits, ``_.-``), values finite numbers
    within +-10; a weight outside its rule's range is refused naming it."""

    model_config = STRICT

    queries: dict[
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,64}$")], MatchEntity
    ] = Field(min_length=1)
    weights: dict[
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,80}$")],
        Annotated[float, Field(allow_inf_nan=False, ge=-MAX_ABS, le=MAX_ABS)],
    ] = Field(default_factory=dict, max_length=100)

    @field_validator("weights")
    @classmethod
    def _weights_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        weights.plan(v)  # ValueError naming the weight at fault -> 422
        return v


class PartyIn(BaseModel):
    """A party of a ``/screen`` batch (the columns of a party file)."""

    model_config = STRICT

    id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    name: Text
    country: ShortText | None = None
    schema_: Literal["Person", "Organization", "Company", "Vessel", "Aircraft"] | None = Field(
        None, alias="schema"
    )
    birth_date: (
        Annotated[str, StringConstraints(pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")] | None
    ) = None
    identifiers: dict[
        Literal["inn", "ogrn", "bin", "imo", "registration", "passport", "national_id", "swift"],
        Annotated[str, StringConstraints(min_length=1, max_length=100)],
    ] = Field(default_factory=dict)


class ScreenRequest(BaseModel):
    """``POST /screen`` as JSON: a batch of parties (a file can be posted as CSV instead)."""

    model_config = STRICT

    parties: list[PartyIn] = Field(min_length=1)
    threshold: float = Field(DEFAULTS.match_threshold, ge=MIN_THRESHOLD, le=1.0)
    matches_only: bool = False
    new_only: bool = False


Record = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8,64}$")]


class DecisionRequest(BaseModel):
    """``POST /decisions``: a reviewer's verdict on a hit, with their own reason.

    ``reviewer`` defaults to the key's name; ``record`` (a prefix of ``party_hash``, 8+ hex
    digits) says which record when the party id was screened with different content."""

    model_config = STRICT

    party_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    entity_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    decision: Literal["true_match", "false_positive"]
    reviewer: ShortText | None = None
    reason: Text
    record: Record | None = None


class ShipmentDecisionRequest(BaseModel):
    """``POST /decisions/shipments``: a reviewer's verdict on a declaration as screened."""

    model_config = STRICT

    declaration_id: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    decision: Literal["hold", "release"]
    reviewer: ShortText | None = None
    reason: Text
    record: Record | None = None
