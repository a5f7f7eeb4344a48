"""The README's first two lines are what a newcomer runs: keep them true.

CI runs line 2 literally on a clean clone.  Here we check line 1's promise: a fresh
virtualenv gets a working ``reader`` with the demo corpus shipped as package data.
"""

import os
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def readme_lines() -> list[str]:
    return (ROOT / "README.md").read_text(encoding="utf-8").splitlines()


def test_first_two_lines_install_then_launch_demo_and_run_tests():
    first, second = (line.strip() for line in readme_lines()[:2])
    assert "pip install" in first and first.endswith("reader --demo")
    assert "pip install" in second and "[test]" in second and "pytest" in second


def test_ci_runs_exactly_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "sed -n 2p README.md" in script and 'eval "$test_cmd"' in script


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory) -> Path:
    """A brand-new venv with reader installed from this checkout (not editable).

    System site-packages supply the already-installed dependencies so the test
    does not download them again; reader itself is built and installed fresh.
    """
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True, system_site_packages=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run(
        [py, "-m", "pip", "install", "-q", "--no-deps", str(ROOT)],
        check=True,
        cwd=env_dir,
        timeout=300,
    )
    return env_dir


def test_installed_reader_ships_the_demo_corpus(fresh_install, tmp_path):
    reader = fresh_install / "bin" / "reader"
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
    }
    out = subprocess.run([reader, "--help"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "--demo" in out.stdout
    code = "import reader.corpus as c; print(sorted(p.name for p in c.demo_corpus().iterdir()))"
    listing = subprocess.run(
        [fresh_install / "bin" / "python", "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert listing.returncode == 0, listing.stderr
    assert (
        "site-packages"
        in subprocess.run(
            [fresh_install / "bin" / "python", "-c", "import reader; print(reader.__file__)"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        ).stdout
    )
    names = eval(listing.stdout)  # a printed list of file names
    assert len([n for n in names if not n.startswith("_")]) >= 5
