"""schemathesis against the hub's own OpenAPI document: bounded examples on
every route, no 5xx, every answer as documented (status, type, schema)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from hub.api import create_app
from hub.service import Hub
from models.wire import MEDIA_TYPE
from tests.hub.support import make_hub

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]


@schemathesis.serializer(MEDIA_TYPE)
def _parley_body(_ctx: Any, value: Any) -> dict[str, Any]:
    """Sync bodies are opaque bytes in the schema: send what was generated."""
    if isinstance(value, bytes):
        return {"data": value}
    return {"data": str(value).encode()}


@pytest.fixture(scope="module")
def api_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("openapi")
    # No throttling here: every generated enrollment reaches the route.
    made = make_hub(f"sqlite:///{folder / 'hub.db'}", enroll_failures_per_min=10**9)
    yield made
    made.close()


def test_the_hub_answers_every_generated_request_as_its_schema_says(
    api_hub: Hub,
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(api_hub))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5
    seen: dict[str, set[int]] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def answers_as_documented(case: schemathesis.Case) -> None:
            response = case.call_and_validate(checks=CHECKS)
            seen.setdefault(case.operation.label, set()).add(response.status_code)

        answers_as_documented()
    assert len(seen) == len(operations)
    assert all(code < 500 for codes in seen.values() for code in codes), seen
