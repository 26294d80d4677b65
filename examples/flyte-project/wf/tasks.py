"""Three tasks, three images: the default image (from default-image.yaml via --image), one with requirements, one
with copy, apt_packages and commands."""

import pathlib

from flytekit import ImageSpec, task, workflow

from wf.greeting import greet
from wf.settings import BASE_IMAGE, REGISTRY

requirements_image = ImageSpec(
    name="wf-requirements",
    registry=REGISTRY,
    base_image=BASE_IMAGE,
    requirements="requirements.txt",
    env={"WF_IMAGE": "requirements"},
)

copy_image = ImageSpec(
    name="wf-copy",
    registry=REGISTRY,
    base_image=BASE_IMAGE,
    copy=["data"],
    env={"WF_IMAGE": "copy"},
    apt_packages=["git"],
    commands=["mkdir -p /opt/wf", "git --version > /opt/wf/git-version", "chmod 0600 /root/data/config.txt"],
)


@task(container_image=requirements_image)
def say_hello(name: str) -> str:
    import humanize  # from requirements.txt: only in the image

    return f"{greet(name)}, {humanize.intcomma(1234567)} times"


@task(container_image=copy_image)
def read_config() -> str:
    return pathlib.Path("data/config.txt").read_text().strip()


@task
def combine(greeting: str, config: str) -> str:
    return f"{greeting.upper()} / {config}"


@workflow
def wf(name: str = "flyte") -> str:
    return combine(greeting=say_hello(name=name), config=read_config())
