"""A small Flyte project whose images imagespec builds at registration time."""
