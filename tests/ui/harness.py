"""The in-process UI harness (it lives in bench/, which times screens through it)."""

from bench._inproc import FakeClient, Tab, _walk

__all__ = ["FakeClient", "Tab", "_walk"]
