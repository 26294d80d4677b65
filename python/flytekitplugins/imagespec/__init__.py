"""imagespec as a flytekit / Union image builder.

Importing this module (flytekit does it at ``import flytekit`` through the ``flytekit.plugins`` entry point) registers
the builder ``"imagespec"`` with ``ImageBuildEngine``. Its priority (default 8, or ``IMAGESPEC_BUILDER_PRIORITY``)
is above flytekit's default Docker builder (1) and envd (5), so an ``ImageSpec`` without ``builder=`` uses imagespec;
``IMAGESPEC_BUILDER_PRIORITY=0`` keeps flytekit's default builder the default (``builder="imagespec"`` still works).
"""

from flytekit.image_spec.image_spec import ImageBuildEngine

from .binary import find_binary
from .builder import BUILDER_NAME, DEFAULT_PRIORITY, ImagespecBuilder, builder_priority
from .document import build_document
from .errors import ImagespecError

__all__ = [
    "BUILDER_NAME",
    "DEFAULT_PRIORITY",
    "ImagespecBuilder",
    "ImagespecError",
    "build_document",
    "builder_priority",
    "find_binary",
]

ImageBuildEngine.register(BUILDER_NAME, ImagespecBuilder(), priority=builder_priority())
