"""The JSON surface: health, hello, OpenAPI, and one error shape everywhere."""

from __future__ import annotations

import httpx

from hub.service import Hub
from models.keys import fingerprint
from models.wire import b64d


def test_healthz_reports_ok_with_database(http: httpx.Client) -> None:
    resp = http.get("/healthz")
    assert resp.status_code == 200
    assert resp.json()["status"] == "ok"


def test_hello_gives_the_keys_a_device_pins(http: httpx.Client, hub: Hub) -> None:
    card = http.get("/v1/hello").json()
    assert fingerprint(b64d(card["command_key"])) == fingerprint(hub.keys.command_pub)
    assert b64d(card["records_key"]) == hub.keys.records_pub
    assert card["org"] == "Test org"


def test_openapi_describes_json_endpoints(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/v1/hello", "/v1/enroll", "/v1/sync"} <= set(paths)
    assert "requestBody" in paths["/v1/enroll"]["post"]


def test_unknown_path_gets_the_json_error_shape(http: httpx.Client) -> None:
    resp = http.get("/nowhere")
    assert resp.status_code == 404
    assert resp.json() == {"status": 404, "code": "not_found", "message": "Not found."}


def test_wrong_method_gets_the_json_error_shape(http: httpx.Client) -> None:
    resp = http.get("/v1/sync")
    assert resp.status_code == 405
    assert resp.json()["code"] == "method_not_allowed"


def test_invalid_enroll_json_gets_the_json_error_shape(http: httpx.Client) -> None:
    resp = http.post("/v1/enroll", json={"code": 1})
    assert resp.status_code == 422
    assert set(resp.json()) == {"status", "code", "message"}
