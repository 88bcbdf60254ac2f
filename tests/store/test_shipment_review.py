"""The shipment review tables: declarations recorded per run, the open queue, decisions bound
to one declaration record and audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.store import Store, audit, shipment_review


def _result(decl: str, record: str, risk: float) -> dict[str, Any]:
    return {
        "declaration_id": decl,
        "record": record,
        "risk": risk,
        "reasons": [{"code": "redflag:x", "weight": risk, "detail": "d", "source": "s"}],
        "hits": {},
        "redflags_not_checked": [],
        "summary": {"consignee": "C"},
    }


def test_queue_and_decisions(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        assert shipment_review.alerts(store, 10) == []  # no table yet: an empty queue
        shipment_review.record_results(
            store, "run1", [_result("d1", "a" * 64, 0.5), _result("d2", "b" * 64, 0.0)]
        )
        queue = shipment_review.alerts(store, 10)
        assert [a["declaration_id"] for a in queue] == ["d1"]  # risk 0 is not an alert
        assert queue[0]["reasons"][0]["code"] == "redflag:x"
        assert queue[0]["screened_at"].endswith("+00:00")

        with pytest.raises(NotFoundError):
            shipment_review.decide(store, "d9", "hold", "r", "why", "cli:x")
        with pytest.raises(RoundaboutError, match="hold or release"):
            shipment_review.decide(store, "d1", "maybe", "r", "why", "cli:x")
        with pytest.raises(RoundaboutError, match="reason"):
            shipment_review.decide(store, "d1", "hold", "r", " ", "cli:x")

        made = shipment_review.decide(store, "d1", "hold", "ana", "owned by SDN", "api:k:ana")
        assert made["record"] == "a" * 64 and made["run_id"] == "run1"
        assert shipment_review.alerts(store, 10) == []
        events = [e for e in audit.read(store) if e["event"] == "shipment_decision"]
        assert events[-1]["detail"]["reason"] == "owned by SDN"
        assert events[-1]["actor"] == "api:k:ana"

        # d1 re-sent with other content: another record, open again; two records: say which
        shipment_review.record_results(store, "run2", [_result("d1", "c" * 64, 0.4)])
        assert [a["record"] for a in shipment_review.alerts(store, 10)] == ["c" * 64]
        with pytest.raises(RoundaboutError, match="2 different records"):
            shipment_review.decide(store, "d1", "release", "ana", "ok", "api:k:ana")
        with pytest.raises(RoundaboutError, match="at least 8"):
            shipment_review.decide(store, "d1", "release", "ana", "ok", "api:k:ana", "ccc")
        shipment_review.decide(store, "d1", "release", "ana", "ok", "api:k:ana", "c" * 8)
        got = shipment_review.decisions(store, 10)
        assert [d["decision"] for d in got] == ["release", "hold"]
        assert audit.verify(store).ok
