"""The phone's dependency set installs from what ``flet build apk`` can reach.

``flet build`` runs, through serious_python's ``package`` command::

    pip install --only-binary :all: --extra-index-url https://pypi.flet.dev \\
        --target <site-packages> <[project].dependencies>

with a ``sitecustomize.py`` on ``PYTHONPATH`` that makes pip believe it runs on an
Android phone. So a pure-Python package may come from PyPI, but any package with
compiled code needs a wheel on Flet's mobile index. The index cannot be reached
here; ``mobile_index.toml`` lists the versions it has (and where we learnt them),
and this test turns each into a metadata-only wheel in a local folder that takes the
index's place. The same resolution is then run, dry, against PyPI plus that folder,
under a constraints file listing those versions.

On a machine that can reach the real index, setting
``PARLEY_MOBILE_INDEX_URL=https://pypi.flet.dev`` makes the same tests resolve
against it (under the same constraints) instead of the stand-ins: that checks
``mobile_index.toml`` itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.fletbuild import HERE, ROOT, phone_python

pytestmark = pytest.mark.pypi

INDEX = HERE / "mobile_index.toml"
REAL_INDEX_ENV = "PARLEY_MOBILE_INDEX_URL"
# Signs in pip's output that it could not talk to the package index at all.
_NETWORK_TROUBLE = re.compile(
    r"NewConnectionError|ConnectTimeout|ReadTimeout|Name or service not known|"
    r"Temporary failure in name resolution|Network is unreachable|ProxyError|"
    r"SSLError|Max retries exceeded|Connection refused"
)


def mobile_index() -> dict[str, Any]:
    with INDEX.open("rb") as f:
        return tomllib.load(f)


def phone_dependencies() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        deps: list[str] = tomllib.load(f)["project"]["dependencies"]
    return deps


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _cp(index: dict[str, Any]) -> str:
    return "cp" + index["python"].replace(".", "")


def platforms_to_check() -> list[str]:
    """The Android ABIs to resolve for: the first (arm64) against the stand-ins,
    every one ``flet build`` packages against the real index."""
    listed: list[str] = mobile_index()["platforms"]
    return listed if os.environ.get(REAL_INDEX_ENV) else listed[:1]


def write_index(index: dict[str, Any], folder: Path, platform: str) -> Path:
    """One metadata-only wheel per entry, named as the mobile index names them."""
    cp = _cp(index)
    folder.mkdir(parents=True, exist_ok=True)
    for wheel in index["wheel"]:
        dist = f"{wheel['name'].replace('-', '_')}-{wheel['version']}"
        tag = f"{cp}-{cp}-{platform}"
        metadata = (
            "Metadata-Version: 2.1\n"
            f"Name: {wheel['name']}\nVersion: {wheel['version']}\n"
            f"Requires-Python: {wheel['requires_python']}\n"
            + "".join(f"Requires-Dist: {r}\n" for r in wheel["requires"])
        )
        with zipfile.ZipFile(folder / f"{dist}-{tag}.whl", "w") as whl:
            whl.writestr(f"{dist}.dist-info/METADATA", metadata)
            whl.writestr(
                f"{dist}.dist-info/WHEEL",
                "Wheel-Version: 1.0\nGenerator: parley-tests\n"
                f"Root-Is-Purelib: false\nTag: {tag}\n",
            )
            whl.writestr(f"{dist}.dist-info/RECORD", "")
    return folder


def write_constraints(index: dict[str, Any], path: Path) -> Path:
    path.write_text(
        "".join(f"{w['name']}=={w['version']}\n" for w in index["wheel"]),
        encoding="utf-8",
    )
    return path


def write_sitecustomize(index: dict[str, Any], folder: Path, platform: str) -> Path:
    """serious_python's ``sitecustomize.py`` for Android (bin/sitecustomize.dart).

    Plus one line of ours: markers see the phone's Python version. In a real
    ``flet build`` pip already runs on that version (python-build's host build).
    """
    folder.mkdir(parents=True, exist_ok=True)
    major, minor = index["python"].split(".")
    api = int(platform.split("_")[1])
    (folder / "sitecustomize.py").write_text(
        "import collections, platform, sysconfig\n"
        'platform.system = lambda: "Android"\n'
        f'sysconfig.get_platform = lambda: "{platform.replace("_", "-", 2)}"\n'
        "AndroidVer = collections.namedtuple('AndroidVer', ['release', 'api_level',"
        " 'manufacturer', 'model', 'device', 'is_emulator'])\n"
        f"platform.android_ver = lambda: AndroidVer('', {api}, '', '', '', False)\n"
        "_version = platform.version()\n"
        "platform.version = lambda: _version + ';embedded'\n"
        f"platform.python_version = lambda: '{major}.{minor}.0'\n"
        f"platform.python_version_tuple = lambda: ('{major}', '{minor}', '0')\n",
        encoding="utf-8",
    )
    return folder


def resolve(
    requirements: list[str], tmp_path: Path, platform: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``pip install --dry-run`` as serious_python runs it, the index replaced."""
    index = mobile_index()
    cp = _cp(index)
    platform = platform or index["platforms"][0]
    real_index = os.environ.get(REAL_INDEX_ENV)
    source = (
        ["--extra-index-url", real_index]
        if real_index
        else [
            "--find-links",
            str(write_index(index, tmp_path / "pypi.flet.dev", platform)),
        ]
    )
    constraints = write_constraints(index, tmp_path / "mobile-constraints.txt")
    site = write_sitecustomize(index, tmp_path / "site", platform)
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        PYTHONNOUSERSITE="1",
        PIP_REQUIRE_VIRTUALENV="false",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--report",
        str(tmp_path / "report.json"),
        "--retries",
        "1",
        "--timeout",
        "20",
        "--only-binary",
        ":all:",
        "--platform",
        platform,
        "--python-version",
        index["python"],
        "--implementation",
        "cp",
        "--abi",
        cp,
        "--target",
        str(tmp_path / "site-packages"),
        *source,
        "--constraint",
        str(constraints),
        *requirements,
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0 and _NETWORK_TROUBLE.search(done.stderr):
        pytest.fail(
            "PyPI is unreachable, and this test needs it: it resolves the phone's "
            "dependencies the way `flet build` does, with pip, against PyPI "
            "(whatever index pip is configured to use). pip said:\n"
            + done.stderr[-1500:],
            pytrace=False,
        )
    return done


def installed(tmp_path: Path) -> dict[str, str]:
    """``{name: wheel file name}`` of what the dry run would install."""
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    return {
        _canonical(item["metadata"]["name"]): item["download_info"]["url"].rsplit(
            "/", 1
        )[-1]
        for item in report["install"]
    }


def test_the_stand_in_index_is_for_the_python_flet_build_bundles() -> None:
    assert phone_python().short == mobile_index()["python"]


@pytest.mark.parametrize("platform", platforms_to_check())
def test_phone_dependencies_resolve_against_pypi_and_the_mobile_index(
    platform: str, tmp_path: Path
) -> None:
    done = resolve(phone_dependencies(), tmp_path, platform)
    assert done.returncode == 0, done.stderr[-3000:]
    wheels = installed(tmp_path)
    binary = {_canonical(w["name"]): w["version"] for w in mobile_index()["wheel"]}
    from_index = {
        name: file for name, file in wheels.items() if not file.endswith("-any.whl")
    }
    # Every compiled package comes from the mobile index, at the version it has.
    assert set(from_index) <= set(binary), from_index
    for name, file in from_index.items():
        assert f"-{binary[name]}-" in file, (name, file)
    # The stand-in lists nothing the phone does not need (a stale entry would
    # hide that a pin is no longer checked).
    assert set(binary) <= set(from_index), set(binary) - set(from_index)
    assert "pydantic" in wheels and "flet" in wheels


def test_a_compiled_package_missing_from_the_mobile_index_is_refused(
    tmp_path: Path,
) -> None:
    # ujson ships only compiled wheels, none for Android, and is not on the list.
    done = resolve(["ujson"], tmp_path)
    assert done.returncode != 0
    assert "No matching distribution found for ujson" in done.stderr, done.stderr


def test_the_newest_pydantic_does_not_resolve(tmp_path: Path) -> None:
    # Why pydantic is pinned: left to float (as it was), sqlmodel pulls the newest
    # pydantic, which pins a pydantic-core the mobile index does not have.
    done = resolve(["pydantic==2.14.4"], tmp_path)
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "pydantic 2.14.4 depends on pydantic-core==2.50.5" in out, out[-2000:]
