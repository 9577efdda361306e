"""What ``flet build apk`` (flet-cli 1.0.5) does with this project, minus Flutter.

``flet build`` needs the Flutter SDK, a JDK, the Android SDK and the build template
from GitHub, none of which this machine or CI can download. The steps that decide
what goes into the phone build need none of them, so these helpers run flet-cli's
own code for them (the ``flet-cli`` wheel pinned in the dev group):

- the Python the phone gets: ``python_versions.resolve_python_version``;
- the context the build template is rendered with:
  ``BaseBuildCommand.setup_template_data``;
- the rendering itself: the ``cookiecutter(...)`` call of ``create_flutter_project``;
- the exclude list handed to the packager: the lines of ``package_python_app`` that
  build it (copied below, since the method goes on to run ``dart``), with flet-cli's
  own ``find_default_excludes``.

Where flet-cli would download something (the python-build manifest, the template
zip) the test data under ``tests/packaging`` stands in; see its NOTICE files.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flet_cli.commands.build import Command
from flet_cli.utils.app_excludes import find_default_excludes
from flet_cli.utils.pyproject_toml import load_pyproject_toml
from flet_cli.utils.python_versions import (
    MANIFEST_PATH_ENV,
    PythonRelease,
    resolve_python_version,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TEMPLATE_DIR = HERE / "flet_build_template"
# python-build's manifest.json (flet-dev/python-build@3c168a5, release 20260730);
# flet-cli 1.0.5 fetches release 20260921's, which we could not read.
PYTHON_BUILD_MANIFEST = HERE / "python-build-manifest.json"


@contextmanager
def _manifest() -> Iterator[None]:
    before = os.environ.get(MANIFEST_PATH_ENV)
    os.environ[MANIFEST_PATH_ENV] = str(PYTHON_BUILD_MANIFEST)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(MANIFEST_PATH_ENV, None)
        else:
            os.environ[MANIFEST_PATH_ENV] = before


def phone_python(app_dir: Path = ROOT) -> PythonRelease:
    """The Python release ``flet build`` bundles for this project."""
    with _manifest():
        return resolve_python_version(None, load_pyproject_toml(app_dir))


def build_command(
    app_dir: Path, build_dir: Path, target_platform: str = "apk"
) -> Command:
    """A ``flet build <target_platform> <app_dir>`` command, set up without Flutter.

    Does what ``BaseBuildCommand.initialize_command`` does for the paths, the
    platform and the Python release, but puts the build directory in
    ``build_dir`` instead of ``app_dir/build`` and looks for no SDK.
    """
    parser = argparse.ArgumentParser(prog="flet build")
    command = Command(parser)
    command.options = parser.parse_args([target_platform, str(app_dir)])
    command.target_platform = target_platform
    platform = command.platforms[target_platform]
    command.package_platform = platform["package_platform"]
    command.config_platform = platform["config_platform"]
    command.python_app_path = app_dir.resolve()
    command.build_dir = build_dir
    command.flutter_dir = build_dir / "flutter"
    command.get_pyproject = load_pyproject_toml(command.python_app_path)
    command.python_release = phone_python(app_dir)
    command.validate_entry_point()
    return command


def template_context(command: Command) -> dict[str, Any]:
    """The ``extra_context`` flet-cli passes to cookiecutter for ``command``."""
    command.setup_template_data()
    assert command.template_data is not None
    return {k: v for k, v in command.template_data.items() if v is not None}


def render_template(context: dict[str, Any], output_dir: Path) -> Path:
    """Render the build template as ``create_flutter_project`` does; its out dir."""
    from cookiecutter.main import cookiecutter

    cookiecutter(
        template=str(TEMPLATE_DIR),
        checkout=None,
        directory=None,
        output_dir=str(output_dir),
        no_input=True,
        overwrite_if_exists=True,
        extra_context=context,
    )
    return output_dir / str(context["out_dir"])


def package_excludes(command: Command) -> list[str]:
    """The ``--exclude`` paths flet-cli hands to serious_python's packager.

    Copied from ``BaseBuildCommand.package_python_app`` (flet-cli 1.0.5).
    """
    assert command.options is not None and command.package_app_path is not None
    app_exclude = command.options.exclude or command.get_platform_setting(
        "app.exclude", []
    )
    explicit_excludes = [
        "build",
        *app_exclude,
        *(["assets"] if command.target_platform == "web" else []),
    ]
    default_excludes: list[str] = []
    if command.get_bool_setting(
        command.options.default_excludes, "app.default_excludes", True
    ):
        app_include = command.options.include or command.get_platform_setting(
            "app.include", []
        )
        default_excludes = find_default_excludes(
            command.package_app_path, app_include, explicit_excludes
        )
    return list(dict.fromkeys(explicit_excludes + default_excludes))


def packaged_files(app_dir: Path, excludes: list[str]) -> list[str]:
    """Files the packager copies into the phone's app folder, relative, sorted.

    serious_python's ``package`` command (``copyDirectory`` in
    ``bin/package_command.dart``) walks the app folder and skips an entry when its
    path relative to the app root is exactly one of the excludes; no globs.
    """
    skip = {os.path.normpath(e) for e in excludes}
    found: list[str] = []

    def walk(folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            rel = os.path.relpath(entry, app_dir)
            if rel in skip:
                continue
            if entry.is_dir():
                walk(entry)
            elif entry.is_file():
                found.append(Path(rel).as_posix())

    walk(app_dir)
    return sorted(found)
