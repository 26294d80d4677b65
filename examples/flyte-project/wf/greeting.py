"""Plain Python imported by the tasks (with --copy none it is baked into the images under /root)."""


def greet(name: str) -> str:
    return f"hello {name}"
