"""Finding and running the imagespec binary."""

import importlib.metadata
import os
import shutil
import subprocess
import sys
import sysconfig
import threading
from typing import List, Optional, Tuple

from .errors import ImagespecError

BINARY_VARIABLE = "IMAGESPEC_BIN"
DISTRIBUTION = "flytekitplugins-imagespec"
INSTALL_HINT = (
    "install the platform wheel, which bundles it (Linux x86_64: `pip install flytekitplugins-imagespec`, or "
    "`scripts/build-wheel.sh && pip install dist/flytekitplugins_imagespec-*-manylinux_*.whl` in a clone of the "
    "imagespec repository), build it from source (`swift build -c release` there and put .build/release/imagespec "
    "on PATH), or set IMAGESPEC_BIN=/path/to/imagespec"
)


def find_binary() -> str:
    """The imagespec executable: ``$IMAGESPEC_BIN`` if set, else the one the platform wheel installed (see
    :func:`bundled_binary`), else ``imagespec`` on ``PATH``."""
    return locate_binary()[0]


def locate_binary() -> Tuple[str, str]:
    """:func:`find_binary`'s answer and where it came from: ``"IMAGESPEC_BIN"``, ``"bundled"`` or ``"PATH"``."""
    configured = os.environ.get(BINARY_VARIABLE)
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured, BINARY_VARIABLE
        raise ImagespecError(f"{BINARY_VARIABLE}={configured} is not an executable file — {INSTALL_HINT}")
    bundled = bundled_binary()
    if bundled:
        return bundled, "bundled"
    found = shutil.which("imagespec")
    if found:
        return found, "PATH"
    raise ImagespecError(
        f"the imagespec binary was not found (not bundled with {DISTRIBUTION}, not on PATH) — {INSTALL_HINT}"
    )


def bundled_binary() -> Optional[str]:
    """The ``imagespec`` the platform wheel installed (its ``*.data/scripts/imagespec``, which pip puts in the
    environment's scripts directory next to ``uv``), or None for the pure-Python wheel.

    Found through the distribution's own file list (right for venvs, ``--user`` and ``--prefix`` installs alike), else
    in this interpreter's scripts directory.
    """
    candidates = []
    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
        for file in distribution.files or []:
            if file.name == "imagespec" and file.parent.name in ("bin", "Scripts"):
                candidates.append(str(distribution.locate_file(file)))
    except importlib.metadata.PackageNotFoundError:
        pass
    candidates.append(os.path.join(sysconfig.get_path("scripts"), "imagespec"))
    for candidate in candidates:
        path = os.path.realpath(candidate)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return os.path.abspath(candidate)
    return None


def child_environment() -> dict:
    """This process's environment, with the Python environment's scripts directory (where ``pip install uv`` puts
    ``uv``) appended to ``PATH`` so imagespec finds uv even when the venv is not activated."""
    environment = dict(os.environ)
    scripts = os.path.dirname(sys.executable)
    path = environment.get("PATH", os.defpath)
    if scripts not in path.split(os.pathsep):
        environment["PATH"] = path + os.pathsep + scripts if path else scripts
    return environment


def error_line(stderr_lines: List[str], status: int) -> str:
    """imagespec's one-line reason from its standard error (the last ``error: …`` line), or a generic one."""
    for line in reversed(stderr_lines):
        text = line.strip()
        if text.startswith("error: "):
            return text[len("error: ") :]
    for line in reversed(stderr_lines):
        if line.strip():
            return line.strip()
    return f"exited with status {status} without a message"


def run_captured(arguments: List[str]) -> Tuple[int, str, List[str]]:
    """Runs imagespec, capturing standard output and standard error."""
    binary = find_binary()
    try:
        result = subprocess.run(
            [binary] + arguments,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=child_environment(),
        )
    except OSError as error:
        raise ImagespecError(f"cannot run {binary}: {error.strerror} — {INSTALL_HINT}") from None
    return result.returncode, result.stdout, result.stderr.splitlines()


def run_streaming(arguments: List[str], echo=None) -> Tuple[int, str, List[str]]:
    """Runs imagespec, copying each line of its standard error (the build progress) to ``echo`` (default: this
    process's standard error) as it arrives; returns the status, the standard output and the error lines."""
    binary = find_binary()
    write = echo or _echo_stderr
    try:
        process = subprocess.Popen(
            [binary] + arguments,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            env=child_environment(),
        )
    except OSError as error:
        raise ImagespecError(f"cannot run {binary}: {error.strerror} — {INSTALL_HINT}") from None
    output: List[str] = []
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    reader.start()
    lines: List[str] = []
    for line in process.stderr:
        lines.append(line.rstrip("\n"))
        write(line.rstrip("\n"))
    status = process.wait()
    reader.join()
    return status, "".join(output), lines


def _echo_stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def stdout_last_line(text: str) -> Optional[str]:
    """The last non-empty line of ``text``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else None
