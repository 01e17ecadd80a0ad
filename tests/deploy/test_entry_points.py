"""One set of entry points (bin/) for the README, the Dockerfile and docker-compose.yml."""

import os
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ("build", "migrate", "web", "worker", "beat")
ALL_SCRIPTS = (*SCRIPTS, "backup", "restore")


def test_bin_scripts_exist_are_executable_and_valid_shell():
    for name in ALL_SCRIPTS:
        path = ROOT / "bin" / name
        assert path.is_file() and os.access(path, os.X_OK), name
        assert path.read_text().startswith("#!/bin/sh\n"), name
        result = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: {result.stderr}"
        assert "exec " in path.read_text(), f"{name} must exec the real command (signals reach it)"


def test_the_dockerfile_installs_only_the_runtime_lock_builds_at_image_time_and_runs_bin_web():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements-dev" not in dockerfile
    assert re.search(r"pip install -r /tmp/requirements\.txt", dockerfile)
    assert "RUN SECRET_KEY=build-only bin/build" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r'^CMD \["bin/web"\]', dockerfile, re.M)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".env", "media", ".git"} <= set(ignored)


def test_the_readme_starts_the_stack_with_the_same_scripts():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## The full stack", 1)[1].split("\n## ", 1)[0]
    for name in SCRIPTS:
        assert f"bin/{name}" in section, f"README's full-stack section does not use bin/{name}"
    assert "gunicorn config.wsgi" not in section and "celery -A config" not in section


def test_runtime_lock_pins_every_package_and_the_dev_lock_holds_the_same_versions():
    def pins(name: str) -> dict[str, str]:
        found = {}
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            package, sep, version = line.partition("==")
            assert sep, f"{name}: {line!r} is not pinned"
            found[package.strip().lower()] = version.split(";")[0].strip()
        return found

    runtime, dev = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {"django", "celery", "gunicorn", "whitenoise", "psycopg2-binary", "kombu"} <= set(runtime)
    assert not {"pytest", "playwright", "ruff", "hypothesis"} & set(runtime)
    for package, version in runtime.items():
        assert dev.get(package) == version, f"{package}: runtime {version}, dev {dev.get(package)}"
