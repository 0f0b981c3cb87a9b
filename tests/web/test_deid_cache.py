"""De-identification cache: concurrent cold builds, corrupt caches, readiness (ADR 0007)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ivp.web.meldingen import deid

SENTENCE = "Jan Jansen belde met 06-12345678 over de overlast."
# Builds (or verifies) the cache in IVP_DEID_CACHE_DIR, then de-identifies SENTENCE; prints both.
_CHILD = (
    "import os, sys; from ivp.web.meldingen import deid; "
    "deid.main(['--build', os.environ['IVP_DEID_CACHE_DIR']]); "
    f"print('UIT:', deid.deidentify({SENTENCE!r}))"
)


def _start(cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "IVP_DEID_CACHE_DIR": str(cache)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _finish(proc: subprocess.Popen[str]) -> str:
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, out
    assert "UIT:" in out, out
    line = out.split("UIT:", 1)[1]
    assert "Jan Jansen" not in line, out
    assert "06-12345678" not in line, out
    assert "[PERSOON" in line, out
    assert "[TELEFOONNUMMER" in line, out
    return out


@pytest.mark.slow
def test_cold_processes_at_once_build_one_valid_cache_and_a_corrupt_one_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "deid"
    first, second = _start(cache), _start(cache)
    outs = [_finish(first), _finish(second)]
    assert sum("cache built" in out for out in outs) == 1, outs  # the other waited on the lock
    assert deid.cache_is_valid(cache)
    third = _finish(_start(cache))
    assert "cache valid" in third
    assert [p.name for p in (cache / "cache").glob("*.tmp")] == []

    # Truncated mid-write (what deduce's own non-atomic write left behind): detected, rebuilt, served.
    f = deid.cache_file(cache)
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    assert not deid.cache_is_valid(cache)
    fourth = _finish(_start(cache))
    assert "cache built" in fourth
    assert deid.cache_is_valid(cache)


@pytest.mark.parametrize(
    "content",
    [b"\x80\x04\x95garbage" * 1000, pickle.dumps({"deduce_version": "x", "lookup_structs": {}})[:20], b""],
    ids=["garbage", "truncated", "empty"],
)
def test_corrupt_cache_is_detected(tmp_path: Path, content: bytes) -> None:
    f = deid.cache_file(tmp_path)
    f.parent.mkdir(parents=True)
    f.write_bytes(content)
    assert not deid.cache_is_valid(tmp_path)
    assert not deid._loads_cleanly(tmp_path)  # any exception from pickle.load counts as corrupt


def test_sidecar_catches_a_changed_file(tmp_path: Path) -> None:
    f = deid.cache_file(tmp_path)
    f.parent.mkdir(parents=True)
    f.write_bytes(pickle.dumps({"deduce_version": deid._version(), "lookup_structs": {}}))
    deid._write_sidecar(tmp_path)
    assert deid.cache_is_valid(tmp_path)
    f.write_bytes(f.read_bytes()[:-1] + b"\x00")  # same size, other bytes
    assert not deid.cache_is_valid(tmp_path)


@pytest.fixture
def unloaded() -> Iterator[None]:
    """This process without a loaded deduce; restored afterwards."""
    saved = deid._instance, deid._failed, deid._ready.is_set()
    deid._instance, deid._failed = None, None
    deid._ready.clear()
    yield
    deid._instance, deid._failed = saved[0], saved[1]
    if saved[2]:
        deid._ready.set()


@pytest.mark.django_db
def test_gereed_is_503_until_deduce_is_loaded_then_200(client: Client, unloaded: None) -> None:
    response = client.get("/gereed")
    assert response.status_code == 503
    assert response.json()["gereed"] is False
    assert "De-identificatie wordt nog geladen" in response.json()["bericht"]
    assert response["Retry-After"]
    deid.load()  # the install's warm cache
    response = client.get("/gereed")
    assert response.status_code == 200
    assert response.json()["gereed"] is True


def test_staff_pages_answer_503_not_500_when_deduce_cannot_load(
    login: Callable[[Any], Client], actors: dict[str, Any], unloaded: None, settings: Any
) -> None:
    settings.DEID_CACHE_DIR = Path("/dev/null/geen-map")  # cannot be created: the load fails for real
    staff = login(actors["owner"])
    pk = actors["melding"].pk
    for url in ("/staf/meldingen/", f"/staf/meldingen/{pk}/"):
        response = staff.get(url)
        assert response.status_code == 503, url
        assert "De-identificatie kon niet worden geladen" in response.content.decode()
    response = staff.get("/api/v1/meldingen/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["code"] == "deidentificatie_niet_gereed"
    assert staff.get("/gereed").json()["deidentificatie"] == "fout"
    assert Client().get("/").status_code == 200  # the public form does not need de-identification
