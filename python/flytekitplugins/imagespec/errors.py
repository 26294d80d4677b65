"""The one error type the plugin raises."""

import click


class ImagespecError(click.ClickException):
    """A build, existence check or setup problem, reported as one line.

    It is a ``click.ClickException`` on purpose: pyflyte's and union's error handler re-raise those and click prints
    ``Error: imagespec: <reason>`` without a traceback.
    """

    def __init__(self, message: str):
        super().__init__("imagespec: " + " ".join(message.split()))
