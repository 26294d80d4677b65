"""The ``ImageSpecBuilder`` that runs imagespec."""

import json
import os
import tempfile
from typing import Optional

import click
from flytekit.image_spec.image_spec import ImageBuildEngine, ImageSpec, ImageSpecBuilder

from . import binary
from .document import build_document, raw_image_name
from .errors import ImagespecError

BUILDER_NAME = "imagespec"
DEFAULT_PRIORITY = 8
PRIORITY_VARIABLE = "IMAGESPEC_BUILDER_PRIORITY"


def builder_priority() -> int:
    """``$IMAGESPEC_BUILDER_PRIORITY`` or 8: above flytekit's default builder (1) and envd (5), below union's
    serverless builder (10). ``0`` keeps flytekit's default builder the default."""
    text = os.environ.get(PRIORITY_VARIABLE, "").strip()
    if not text:
        return DEFAULT_PRIORITY
    try:
        return int(text)
    except ValueError:
        raise ImagespecError(
            f"{PRIORITY_VARIABLE}={text} is not an integer — use e.g. 8 (or 0 to keep the default builder)"
        ) from None


def _require_registry(spec: ImageSpec, name: str) -> None:
    if not spec.registry:
        raise ImagespecError(
            f"ImageSpec {spec.name!r} has no registry, and imagespec builds push to a registry ({name} would be "
            "looked up on Docker Hub) — set registry= (e.g. ghcr.io/you), or builder=\"default\" for a local "
            "Docker build"
        )


class ImagespecBuilder(ImageSpecBuilder):
    """Builds and pushes ImageSpec images with the ``imagespec`` binary (no Docker daemon).

    ``should_build`` asks the registry once (``imagespec exists``) and never assumes; ``build_image`` hands the spec
    to ``imagespec build --flytekit-json`` and returns the pushed digest-pinned reference.
    """

    builder_type = BUILDER_NAME

    def should_build(self, image_spec: ImageSpec) -> bool:
        name = raw_image_name(image_spec)
        _require_registry(image_spec, name)
        status, output, errors = binary.run_captured(["exists", "--json", name])
        if status == 1:
            click.secho(f"imagespec: {name} not found; building it.", fg="blue", err=True)
            return True
        if status != 0:
            raise ImagespecError(f"cannot tell whether {name} exists: {binary.error_line(errors, status)}")
        try:
            digest = json.loads(output)["digest"]
        except (ValueError, KeyError, TypeError):
            raise ImagespecError(f"`imagespec exists` gave an unreadable answer for {name}: {output.strip()!r}")
        pinned = f"{name}@{digest}"
        if image_spec._is_force_push:
            click.secho(f"imagespec: {pinned} exists; rebuilding it (force push).", fg="blue", err=True)
            return True
        # Pin the registered tasks to the exact image, as if it had just been built (union's builder does the same).
        ImageBuildEngine._IMAGE_NAME_TO_REAL_NAME[name] = pinned
        click.secho(f"imagespec: {pinned} exists; nothing to build.", fg="blue", err=True)
        return False

    def build_image(self, image_spec: ImageSpec) -> Optional[str]:
        name = raw_image_name(image_spec)
        _require_registry(image_spec, name)
        document = build_document(image_spec)
        handle, path = tempfile.mkstemp(prefix="imagespec-flytekit-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(document, file, indent=2, ensure_ascii=False)
            arguments = ["build", "--flytekit-json", path]
            if image_spec._is_force_push:
                arguments.append("--force")
            path, source = binary.locate_binary()
            click.secho(f"imagespec: building {name} with {path} ({source})", fg="blue", err=True)
            status, output, errors = binary.run_streaming(arguments)
        finally:
            if not os.environ.get("IMAGESPEC_KEEP_DOCUMENT"):
                os.unlink(path)
        if status != 0:
            raise ImagespecError(f"building {name} failed: {binary.error_line(errors, status)}")
        pinned = binary.stdout_last_line(output)
        if not pinned or not pinned.startswith(name + "@sha256:"):
            raise ImagespecError(
                f"imagespec built {pinned or 'nothing'} but flytekit named the image {name} — the names differ; "
                "please report this with the spec"
            )
        return pinned
