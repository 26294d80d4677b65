"""A tiny task module copied into the quickstart image at /root/hello.py."""

import os

import requests


def main() -> None:
    print(os.environ.get("GREETING", "?"), "- requests", requests.__version__)


if __name__ == "__main__":
    main()
