"""Finding and running the imagespec binary."""

import os
import shutil
import subprocess
import sys
import threading
from typing import List, Optional, Tuple

from .errors import ImagespecError

BINARY_VARIABLE = "IMAGESPEC_BIN"
INSTALL_HINT = (
    "install it (git clone the imagespec repository, then `swift build -c release` and copy .build/release/imagespec "
    "onto PATH) or set IMAGESPEC_BIN=/path/to/imagespec"
)


def find_binary() -> str:
    """The imagespec executable: ``$IMAGESPEC_BIN`` if set, else ``imagespec`` on ``PATH``."""
    configured = os.environ.get(BINARY_VARIABLE)
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise ImagespecError(f"{BINARY_VARIABLE}={configured} is not an executable file — {INSTALL_HINT}")
    found = shutil.which("imagespec")
    if found:
        return found
    raise ImagespecError(f"the imagespec binary was not found on PATH — {INSTALL_HINT}")


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
