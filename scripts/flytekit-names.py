#!/usr/bin/env python3
"""flytekit's own ImageSpec names for a batch of specs: the Python side of imagespec's differential test.

Usage: flytekit-names.py INPUT.jsonl OUTPUT.jsonl

Each input line is a JSON object:
  {"dir": "/abs/working/dir",             # the process CWD while the spec is built and named
   "host_machine": "x86_64",              # what platform.machine() returns
   "imports": {"sys_path": "/abs", "modules": ["pkg.mod"]},   # optional: imported first (LOADED_MODULES)
   "spec": {...}}                         # ImageSpec kwargs in the plugin's JSON convention:
                                          #   source_copy_mode by member name ("ALL"), pip_secret_mounts as
                                          #   [source, target] lists, a nested base spec as
                                          #   "base_image": {"image_spec": {...}}
Each output line is {"image_name", "tag", "id", "tag_hash_input", "id_hash_input"} or {"error_type",
"error_message"} (str() of the exception) for the spec on the same input line.
"""

import hashlib
import importlib
import json
import os
import platform
import sys

sys.dont_write_bytecode = True  # importing modules must not add __pycache__ files to the hashed trees

try:
    import flytekit
    from flytekit.constants import CopyFileDetection
    from flytekit.image_spec import image_spec as image_spec_module
    from flytekit.image_spec.image_spec import ImageSpec
except ImportError as error:  # pragma: no cover - reported to the Swift test
    sys.stderr.write(f"flytekit is not installed in {sys.executable}: {error} — run scripts/setup.sh\n")
    sys.exit(3)


class _RecordingHashlib:
    """Stands in for `hashlib` inside flytekit's image_spec module and records every md5 input."""

    def __init__(self):
        self.md5_inputs = []

    def md5(self, data=b"", **kwargs):
        self.md5_inputs.append(bytes(data))
        return hashlib.md5(data, **kwargs)

    def __getattr__(self, name):
        return getattr(hashlib, name)


def _convert(spec):
    kwargs = {}
    for key, value in spec.items():
        if key == "source_copy_mode" and isinstance(value, str):
            value = CopyFileDetection[value]
        elif key == "pip_secret_mounts" and isinstance(value, list):
            value = [tuple(pair) if isinstance(pair, list) else pair for pair in value]
        elif key == "base_image" and isinstance(value, dict) and "image_spec" in value:
            value = ImageSpec(**_convert(value["image_spec"]))
        kwargs[key] = value
    return kwargs


def _name(entry, recorder):
    machine = entry.get("host_machine", "x86_64")
    platform.machine = lambda: machine
    imports = entry.get("imports")
    if imports:
        sys.path.insert(0, imports["sys_path"])
        try:
            for module in imports["modules"]:
                importlib.import_module(module)
        finally:
            sys.path.remove(imports["sys_path"])
    os.chdir(entry["dir"])
    try:
        spec = ImageSpec(**_convert(entry["spec"]))
        recorder.md5_inputs.clear()
        spec_id = spec.id
        id_input = recorder.md5_inputs[-1].decode("utf-8")
        recorder.md5_inputs.clear()
        tag = spec.tag
        tag_input = recorder.md5_inputs[-1].decode("utf-8")
        return {
            "image_name": spec.image_name(),
            "tag": tag,
            "id": spec_id,
            "tag_hash_input": tag_input,
            "id_hash_input": id_input,
        }
    except Exception as error:  # noqa: BLE001 - every failure is data for the comparison
        return {"error_type": type(error).__name__, "error_message": str(error)}


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    recorder = _RecordingHashlib()
    image_spec_module.hashlib = recorder
    start = os.getcwd()
    with open(argv[1], encoding="utf-8") as source, open(argv[2], "w", encoding="utf-8") as sink:
        for line in source:
            if not line.strip():
                continue
            result = _name(json.loads(line), recorder)
            os.chdir(start)
            sink.write(json.dumps(result, ensure_ascii=True) + "\n")
    sys.stderr.write(f"flytekit {flytekit.__version__}: named the specs\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
