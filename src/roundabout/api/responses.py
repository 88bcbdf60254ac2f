"""Response models of the API: what every route answers, for the OpenAPI document and tests.

Each route declares one of these as its ``response_model``. Small answers are built as these
models and serialised by FastAPI. Large ones (``/leaks``, ``/match``, ``/screen``, charts) are
encoded once with orjson and sent as bytes (validating a 500-finding answer through pydantic
on every request would cost more than computing it from the cache); for those the model is
the documented contract, and ``tests/api/test_responses.py`` checks real answers against it.

Models are closed (``extra="forbid"``): a field the code adds without the model failing a test
is a field the OpenAPI document does not tell clients about. Open-ended parts (a Vega-Lite
spec, a job's parameters, a measure's detail) are typed ``dict[str, Any]`` inside them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CLOSED = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = CLOSED


# -- public -----------------------------------------------------------------------------------


class Health(Out):
    status: Literal["ok"] = "ok"


class ErrorBody(Out):
    status: int
    type: str
    message: str
    detail: Any = None


class ErrorAnswer(Out):
    """Every error: ``{"error": {"status", "type", "message"[, "detail"]}}``."""

    error: ErrorBody


# -- jobs and charts --------------------------------------------------------------------------


class JobError(Out):
    status: int
    message: str


class JobInfo(Out):
    id: str
    kind: str
    params: dict[str, Any]
    status: Literal["running", "done", "failed"]
    seconds: float
    error: JobError | None = None


class JobAnswer(Out):
    """A background job (``202`` while it runs; ``GET /jobs/{id}``)."""

    job: JobInfo


class Chart(Out):
    """A dashboard chart: a Vega-Lite spec or an SVG, or why there is none."""

    name: str
    available: bool
    reason: str | None = None
    vega_lite: dict[str, Any] | None = None
    svg: str | None = None
    notes: list[str] = Field(default_factory=list)


# -- leaks and flows --------------------------------------------------------------------------


class Figures(Out):
    direct_drop: float | None
    hub_excess: float | None
    lost_in_transit: float | None
    offset_share: float | None
    offset_share_ci: list[float | None] | None
    excess_out: float | None
    chapters: dict[str, dict[str, Any]] | None = None


class LeakSummary(Figures):
    """The chosen hubs as a group (top-level figures), each hub under ``hubs``."""

    counterfactual: str
    bootstrap: int
    min_drop: float
    placebo: dict[str, Any] | None
    hs_conversion: dict[str, Any] | None
    currency: str
    baseline: str
    window: str
    target: str
    goods: str
    hubs: dict[str, Figures]
    raw: dict[str, Any]
    sanctioned_products: int
    products_substitution_over_half: int | None


class Finding(Out):
    hub: str
    product: str
    description: str | None
    score: float | None
    excess_in: float | None
    excess_out: float | None
    lost_in_transit: float | None
    substitution_ratio: float | None
    explanation: str
    sanctioned: bool
    sanctioned_from: str | None
    baseline_in: float | None
    window_in: float | None
    expected_in: float | None
    pass_through: float | None
    direct_drop: float | None
    months_above: int
    months: int
    ban: str | None
    max_price_eur: float | None
    partial_ban: bool
    share_above_threshold: float | None
    reasons: dict[str, str]
    listed_in_heading: list[str]


class LeaksAnswer(Out):
    """``roundabout leaks --json``."""

    summary: LeakSummary
    findings: list[Finding]
    unlisted_surges: list[Finding]
    set_aside: list[dict[str, Any]]
    measures: dict[str, Any]
    origins: list[str]
    warnings: list[str]
    notes: list[str]


class FlowsAnswer(Out):
    """Sums over the filtered flows; each row has the ``by`` columns, ``currency``,
    ``product_level``, ``value``, ``weight`` and ``rows``."""

    by: list[str]
    rows: list[dict[str, str | int | float | None]]
    truncated: bool


# -- screening --------------------------------------------------------------------------------


class FeatureOut(Out):
    feature: str
    effect: str
    detail: str


class HitOut(Out):
    """A hit: the list entry, score, evidence, and why it counts (``basis``)."""

    entity_id: str
    name: str
    matched_name: str
    schema_: str = Field(alias="schema")
    score: float
    match: bool
    explanation: str
    features: list[FeatureOut]
    programs: list[str]
    snapshot_id: str
    status: str
    basis: Literal["listed", "owned", "controlled", "related"] | None = None
    owned_share: float | None = None
    via: list[str] | None = None
    rule: str | None = None


class PartyResultOut(Out):
    id: str
    name: str
    record: str
    matched: bool
    hits: list[HitOut]
    hidden_hits: int
    warnings: list[str] | None = None


class ScreenAnswer(Out):
    """A recorded screening run of a party batch."""

    run_id: str
    file: str
    threshold: float
    snapshots: list[str]
    results: list[PartyResultOut]


class ReasonOut(Out):
    """One reason a declaration is risky; red flags are ``redflag:<rule id>`` with a source."""

    code: str
    weight: float
    detail: str
    source: str | None = None


class ShipmentOut(Out):
    declaration_id: str
    record: str
    risk: float
    reasons: list[ReasonOut]
    hits: dict[str, list[HitOut]]
    redflags_not_checked: list[str]


class ShipmentsAnswer(Out):
    """A recorded shipment run: each declaration's risk and reasons (``screen shipments``)."""

    run_id: str
    snapshots: list[str]
    results: list[ShipmentOut]


class YenteResult(Out):
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    score: float
    match: bool
    matched_name: str
    explanation: str
    features: list[FeatureOut]
    snapshot_id: str


class YenteTotal(Out):
    value: int
    relation: Literal["eq"]


class YenteQuery(Out):
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    id: str | None = None


class YenteResponse(Out):
    status: int
    results: list[YenteResult]
    total: YenteTotal
    query: YenteQuery


class WeightUsed(Out):
    """A weight applied: the rule it reweighs (for one identifier kind, or every kind), and
    the rule's weight for this request in the rule's own unit (``rules.yml``)."""

    rule: str
    identifier: str | None
    weight: float


class MatchAnswer(Out):
    """yente's ``/match`` answer: one response per named query."""

    responses: dict[str, YenteResponse]
    limit: int
    threshold: float
    #: The request's ``weights`` as sent, and what they did (:mod:`roundabout.api.weights`).
    weights: dict[str, float] | None = None
    weights_applied: bool | None = None
    weights_used: dict[str, WeightUsed] | None = None
    weights_ignored: dict[str, str] | None = None


class AuditBroken(Out):
    table: str
    at: int
    reason: str


class AuditAnswer(Out):
    ok: bool
    rows: dict[str, int]
    head: str
    broken: AuditBroken | None
    pre_chain: dict[str, int]
    message: str


# -- alerts and decisions -------------------------------------------------------------------


class Alert(Out):
    """An open party alert: a hit of the latest run not yet decided on for this record.

    ``party_name`` comes from the record as screened; ``explanation``, ``features``,
    ``basis``, ``owned_share`` and ``via`` are the hit as it scores now against the lists in
    use (``null`` when the entry is not in them any more)."""

    party_id: str
    party_hash: str
    party_name: str | None = None
    party_country: str | None = None
    declaration_id: str | None = None
    role: str | None = None
    entity_id: str
    entity_name: str | None
    entity_schema: str | None
    score: float
    match: bool
    status: str
    snapshot_id: str
    run_id: str
    screened_at: str
    explanation: str | None = None
    features: list[FeatureOut] = Field(default_factory=list)
    programs: list[str] = Field(default_factory=list)
    basis: str | None = None
    owned_share: float | None = None
    via: list[str] = Field(default_factory=list)
    via_names: list[str] = Field(default_factory=list)


class AlertsAnswer(Out):
    alerts: list[Alert]


class ShipmentAlert(Out):
    """A declaration of a shipment run not yet decided on for this exact record."""

    declaration_id: str
    record: str
    run_id: str
    screened_at: str
    risk: float
    reasons: list[ReasonOut]
    redflags: list[ReasonOut]
    hits: dict[str, list[HitOut]]
    redflags_not_checked: list[str]
    summary: dict[str, str]


class ShipmentAlertsAnswer(Out):
    alerts: list[ShipmentAlert]


class DecisionOut(Out):
    """A reviewer's decision on a (party record, list entry) hit."""

    party_id: str
    party_hash: str | None
    entity_id: str
    entity_hash: str
    decision: str
    reviewer: str
    reason: str
    decided_at: str
    actor: str | None


class DecisionsAnswer(Out):
    decisions: list[DecisionOut]


class ShipmentDecisionOut(Out):
    """A reviewer's decision on one declaration record: ``hold`` or ``release``."""

    declaration_id: str
    record: str
    run_id: str
    decision: str
    reviewer: str
    reason: str
    actor: str
    decided_at: str


class ShipmentDecisionsAnswer(Out):
    decisions: list[ShipmentDecisionOut]


# -- keys ---------------------------------------------------------------------------------------


class KeyOut(Out):
    key_id: str
    name: str
    created_at: str | None
    revoked_at: str | None
    active: bool
    permissions: list[str]


class KeysAnswer(Out):
    keys: list[KeyOut]


class Me(Out):
    """The key a request is made with: who the audit log will say acted."""

    key_id: str
    name: str
    permissions: list[str]
    actor: str
