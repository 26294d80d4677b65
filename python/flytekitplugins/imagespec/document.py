"""The JSON document handed to ``imagespec build --flytekit-json``: the spec exactly as flytekit holds it, the names
flytekit computed, and what only the Python process knows (its working directory, the files ``source_root`` resolves
to — including the imported modules of ``LOADED_MODULES`` — the host machine, the Python and flytekit versions)."""

import dataclasses
import enum
import os
import platform
import sys
from typing import Any, Dict, List, Optional

import flytekit
from flytekit.constants import CopyFileDetection
from flytekit.image_spec.image_spec import ImageSpec

from .errors import ImagespecError

FORMAT = "imagespec.flytekit/v1"
PLUGIN_VERSION = "0.1.0"


def raw_image_name(spec: ImageSpec) -> str:
    """flytekit's ``image_name()`` without the builder's real-name mapping: ``registry/name:tag`` or ``name:tag``."""
    name = f"{spec.name}:{spec.tag}"
    return f"{spec.registry}/{name}" if spec.registry else name


def source_root_files(spec: ImageSpec) -> Optional[List[str]]:
    """The files flytekit hashes (and copies) for ``source_root``: ``ls_files`` with the spec's copy mode and the
    same ignore rules as ``ImageSpec.tag``; ``None`` when the mode copies nothing."""
    mode = spec.source_copy_mode
    if mode is None or mode == CopyFileDetection.NO_COPY or not spec.source_root:
        return None
    from flytekit.tools.ignore import DockerIgnore, GitIgnore, IgnoreGroup, StandardIgnore
    from flytekit.tools.script_mode import ls_files

    ignore = IgnoreGroup(spec.source_root, [GitIgnore, DockerIgnore, StandardIgnore])
    files, _ = ls_files(str(spec.source_root), mode, deref_symlinks=False, ignore_group=ignore)
    return [os.path.abspath(path) for path in files]


def _value(field: str, value: Any) -> Any:
    """A field value as JSON; refuses what JSON cannot carry faithfully."""
    if isinstance(value, ImageSpec):
        return {"image_spec": spec_fields(value)}
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, (list, tuple)):
        return [_value(field, item) for item in value]
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ImagespecError(
                    f"ImageSpec field {field} has a non-string key {key!r} — imagespec reads JSON, use string keys"
                )
            result[key] = _value(field, item)
        return result
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise ImagespecError(
        f"ImageSpec field {field} holds a {type(value).__name__} ({value!r}) — imagespec accepts str, numbers, lists "
        "and dicts (write it as a str)"
    )


def spec_fields(spec: ImageSpec) -> Dict[str, Any]:
    """Every non-``None`` field in declaration order, as JSON values (a nested spec as ``{"image_spec": {…}}``,
    enum members by name)."""
    fields = {}
    for field in dataclasses.fields(spec):
        value = getattr(spec, field.name)
        if value is not None:
            fields[field.name] = _value(field.name, value)
    return fields


def build_document(spec: ImageSpec) -> Dict[str, Any]:
    """The whole document for ``spec`` (call it where flytekit hands the spec to the builder)."""
    python_types = {}
    if isinstance(spec.source_copy_mode, str):
        # flytekit keeps a YAML source_copy_mode as the plain string; the hash then says 'ALL', not the enum.
        python_types["source_copy_mode"] = "str"
    return {
        "format": FORMAT,
        "spec": spec_fields(spec),
        "python_types": python_types,
        "flytekit": {
            "image_name": raw_image_name(spec),
            "name": spec.name,
            "tag": spec.tag,
            "id": spec.id,
            "registry": spec.registry,
        },
        "source_root_files": source_root_files(spec),
        "cwd": os.getcwd(),
        "host_machine": platform.machine(),
        "python_version": "%d.%d.%d" % sys.version_info[:3],
        "flytekit_version": flytekit.__version__,
        "force_push": bool(getattr(spec, "_is_force_push", False)),
        "plugin_version": PLUGIN_VERSION,
    }
