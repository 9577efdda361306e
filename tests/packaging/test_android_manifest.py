"""The APK's AndroidManifest.xml keeps backups off: Flet's real build template,
rendered with this project's pyproject.toml the way ``flet build apk`` does."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.fletbuild import (
    ROOT,
    build_command,
    render_template,
    template_context,
)

ANDROID = "{http://schemas.android.com/apk/res/android}"
MANIFEST = Path("android/app/src/main/AndroidManifest.xml")


def rendered_manifest(app_dir: Path, tmp_path: Path) -> ET.Element:
    command = build_command(app_dir, tmp_path / "build")
    out = render_template(template_context(command), tmp_path / "rendered")
    return ET.parse(out / MANIFEST).getroot()


def application(root: ET.Element) -> dict[str, str]:
    """The ``<application>`` element's attributes, ``android:`` names shortened."""
    element = root.find("application")
    assert element is not None, "no <application> element"
    return {k.replace(ANDROID, "android:"): v for k, v in element.attrib.items()}


def _project_with(tmp_path: Path, manifest_application: dict[str, Any]) -> Path:
    """A copy of this project's pyproject.toml and main.py with other manifest keys."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "main.py").write_text((ROOT / "main.py").read_text())
    text = (ROOT / "pyproject.toml").read_text()
    head, _, rest = text.partition("[tool.flet.android.manifest_application]")
    _, _, tail = rest.partition("\n[")
    keys = "".join(f'"{k}" = "{v}"\n' for k, v in manifest_application.items())
    section = "[tool.flet.android.manifest_application]\n" + keys
    (app / "pyproject.toml").write_text(head + section + "\n[" + tail)
    return app


def test_apk_manifest_turns_off_backups(tmp_path: Path) -> None:
    attributes = application(rendered_manifest(ROOT, tmp_path))
    assert attributes["android:allowBackup"] == "false"
    assert attributes["android:fullBackupContent"] == "false"


def test_apk_manifest_keeps_the_template_attributes(tmp_path: Path) -> None:
    attributes = application(rendered_manifest(ROOT, tmp_path))
    assert attributes["android:label"] == "Parley"
    assert attributes["android:icon"] == "@mipmap/ic_launcher"
    assert not any(k.count(":") > 1 for k in attributes), attributes


def test_apk_asks_for_coarse_location_only(tmp_path: Path) -> None:
    # "Use my location" keeps a position to about 1 km: fine and background
    # location are never asked for.
    root = rendered_manifest(ROOT, tmp_path)
    asked = {
        element.get(f"{ANDROID}name")
        for element in root.findall("uses-permission")
        if element.get("{http://schemas.android.com/tools}node") != "remove"
    }
    assert "android.permission.ACCESS_COARSE_LOCATION" in asked
    assert "android.permission.ACCESS_FINE_LOCATION" not in asked
    assert "android.permission.ACCESS_BACKGROUND_LOCATION" not in asked
    assert "android.permission.INTERNET" in asked


def test_manifest_keys_are_written_without_the_android_prefix() -> None:
    # The template writes `android:{{ key }}` itself, and Android wants the
    # lowercase strings "true"/"false" (a TOML boolean would render as "False").
    with (ROOT / "pyproject.toml").open("rb") as f:
        keys = tomllib.load(f)["tool"]["flet"]["android"]["manifest_application"]
    assert keys, "no manifest_application keys"
    assert [k for k in keys if ":" in k] == []
    assert {k: v for k, v in keys.items() if v not in ("true", "false")} == {}


def test_prefixed_keys_would_not_give_a_valid_manifest(tmp_path: Path) -> None:
    # What pyproject.toml held before: the template doubles the prefix, and the
    # result is not even well-formed XML (a name with two colons).
    app = _project_with(tmp_path, {"android:allowBackup": "false"})
    with pytest.raises(ET.ParseError):
        rendered_manifest(app, tmp_path)
