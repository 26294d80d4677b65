"""Where the images go: set these to your registry and a base image that has python3 (e.g. python:3.11-slim)."""

REGISTRY = "localhost:30000"
BASE_IMAGE = "python:3.11-slim-bookworm"
