"""Issue 14: the library and its search index change together, one writer at a time, and a running server
sees what an ingest committed. Ingests are killed (SIGKILL, in a subprocess) at each phase, stopped there by
``LUAT_PAUSE_AT`` (luat/faults.py); all on small libraries built from the fixture."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import FIXTURES

from luat import api
from luat.faults import PHASES
from luat.index import IndexBuilder, built_generation, ensure_index, index_path, open_index
from luat.ingest import ingest
from luat.store import Library

QD = FIXTURES / "qd-1676-2019-trich.txt"
WAIT = 120  # seconds a subprocess may take to reach a pause point or to finish, on a loaded machine


def variant(folder: Path, n: int) -> tuple[Path, str]:
    """A Quyết định like the fixture, numbered ``n``/QĐ-TTg, with a word no other document has."""
    word = f"chimcanhcut{n}"
    text = (
        QD.read_text(encoding="utf-8")
        .replace("1676/QĐ-TTg", f"{n}/QĐ-TTg")
        .replace("I. QUAN ĐIỂM", f"I. QUAN ĐIỂM {word}")
    )
    path = folder / f"qd-{n}.txt"
    path.write_text(text, encoding="utf-8")
    return path, word


def base_library(name: str) -> Library:
    Library.delete(name)
    lib = Library(name)
    ingest([QD], lib, progress=False, workers=1)
    return lib


def documents(library: str) -> set[str]:
    lib = Library(library, readonly=True)
    try:
        return {r[0] for r in lib.db.execute("SELECT doc_id FROM documents")}
    finally:
        lib.close()


def index_folders(library: str) -> list[str]:
    root = index_path(library).parent
    return sorted(
        p.name
        for p in root.iterdir()
        if p.name == library or p.name.startswith(f"{library}.g") or p.name.startswith(f".{library}.")
    )


class Luat:
    """``luat ...`` in a subprocess, its stderr read on a thread so that a test can wait for a line."""

    def __init__(self, *argv: str, **env: str):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "luat.cli", *argv],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            self.err.append(line)
            self.lines.put(line)
        self.lines.put("")  # end of stderr

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if text in line:
                return line
            if line == "":
                break
        raise AssertionError(f"{text!r} never came; stderr: {''.join(self.err)[-2000:]}")

    def finish(self) -> int:
        rc = self.proc.wait(timeout=WAIT)
        time.sleep(0.05)  # let the reader thread take the last lines
        return rc


def children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.add(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return {p for p in pids if alive(p)}


# ------------------------------------------------------------------ an ingest killed at each phase


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("phase", PHASES)
def test_an_ingest_killed_at_any_phase_leaves_library_and_index_consistent(luat_home, tmp_path, phase):
    name = f"cons-kill-{phase}"
    base_library(name).close()
    before = documents(name)
    new1, word1 = variant(tmp_path, 9001)
    new2, word2 = variant(tmp_path, 9002)
    run = Luat(
        "ingest", str(new1), str(new2), "--library", name, "--quiet", "--workers", "2", LUAT_PAUSE_AT=phase
    )
    run.wait_for(f"paused at {phase}")
    workers = children(run.proc.pid)
    os.kill(run.proc.pid, signal.SIGKILL)  # the ingest alone: its workers must go by themselves
    run.finish()
    if phase in ("read", "index"):  # the phases that run a process pool
        assert workers, "the ingest had no worker to outlive it"
    assert not wait_gone(workers), "workers outlived the killed ingest"

    committed = phase == "publish"  # killed after its commit, before its index was made current
    assert documents(name) == (before | {"9001/QĐ-TTg", "9002/QĐ-TTg"} if committed else before)
    lib = Library(name, readonly=True)
    done = ensure_index(lib, say=lambda m: None)  # what `luat stats`, search, ask and the server do on open
    assert done == ("published" if committed else "ok")
    assert built_generation(index_path(name)) == lib.generation()
    lib.close()
    assert index_folders(name) == sorted([name, f"{name}.g{built_generation(index_path(name))}"])
    api.forget(name)
    assert bool(api.search(word1, library=name, k=3)) == committed
    assert "1676/QĐ-TTg" in {h["doc"] for h in api.search("tuyên truyền bảo hiểm xã hội", library=name, k=5)}


def test_a_full_disk_while_indexing_leaves_library_and_index_as_they_were(luat_home, tmp_path, monkeypatch):
    name = "cons-disk"
    lib = base_library(name)
    before, generation = documents(name), lib.generation()
    new, word = variant(tmp_path, 9003)

    def full(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(IndexBuilder, "finish", full)
    with pytest.raises(OSError, match="No space"):
        ingest([new], lib, progress=False, workers=1)
    monkeypatch.undo()
    assert documents(name) == before and lib.generation() == generation
    assert built_generation(index_path(name)) == generation
    assert index_folders(name) == [name, f"{name}.g{generation}"]  # the partial build removed
    api.forget(name)
    assert api.search(word, library=name, k=3) == []
    lib.close()


def test_a_missing_or_stale_index_is_said_and_rebuilt_on_open(luat_home, tmp_path):
    name = "cons-stale"
    lib = base_library(name)
    shutil.rmtree(index_path(name).resolve())  # the index gone: a user's rm, a disk restored without it
    index_path(name).unlink()
    said: list[str] = []
    assert ensure_index(lib, say=said.append) == "rebuilt"
    assert len(said) == 1 and "không khớp thư viện cons-stale" in said[0] and "đang lập lại" in said[0]
    with lib.transaction():
        lib.stamp_generation()  # a library written by something that did not publish its index
    run = Luat("stats", "--library", name)
    assert run.finish() == 0
    assert any("chỉ mục tìm kiếm không khớp thư viện cons-stale" in line for line in run.err), run.err
    assert built_generation(index_path(name)) == lib.generation()
    lib.close()


# ------------------------------------------------------------------ one writer at a time


def test_two_ingests_into_one_library_both_end_cleanly(luat_home, tmp_path):
    name = "cons-two"
    base_library(name).close()
    a_file, a_word = variant(tmp_path, 9004)
    b_file, b_word = variant(tmp_path, 9005)
    first = Luat(
        "ingest", str(a_file), "--library", name, "--quiet", "--workers", "1", LUAT_PAUSE_AT="merge:3"
    )
    first.wait_for("paused at merge")
    second = Luat("ingest", str(b_file), "--library", name, "--quiet", "--workers", "1", LUAT_LOCK_WAIT="120")
    waiting = second.wait_for("is being written by")
    assert f"PID {first.proc.pid}" in waiting and "ingest" in waiting
    assert first.finish() == 0 and second.finish() == 0, second.err
    assert documents(name) == {"1676/QĐ-TTg", "9004/QĐ-TTg", "9005/QĐ-TTg"}
    lib = Library(name, readonly=True)
    assert built_generation(index_path(name)) == lib.generation()
    lib.close()
    api.forget(name)
    assert api.search(a_word, library=name, k=3)[0]["doc"] == "9004/QĐ-TTg"
    assert api.search(b_word, library=name, k=3)[0]["doc"] == "9005/QĐ-TTg"


def test_a_writer_that_waits_too_long_says_who_holds_the_library(luat_home, tmp_path):
    name = "cons-busy"
    base_library(name).close()
    before = documents(name)
    first = Luat(
        "ingest",
        str(variant(tmp_path, 9006)[0]),
        "--library",
        name,
        "--quiet",
        "--workers",
        "1",
        LUAT_PAUSE_AT="link",
    )
    first.wait_for("paused at link")
    try:
        second = Luat(
            "ingest", str(variant(tmp_path, 9007)[0]), "--library", name, "--quiet", LUAT_LOCK_WAIT="0.5"
        )
        assert second.finish() == 75
        lines = [line for line in second.err if line.strip()]
        assert (
            lines[-1].startswith("luat: ") and f"PID {first.proc.pid}" in lines[-1] and "gave up" in lines[-1]
        )
        assert len([line for line in lines if "gave up" in line]) == 1
        # readers are not held: the library reads while it is being written
        assert documents(name) == before
        api.forget(name)
        assert api.stats(library=name)["documents"] == 1
    finally:
        os.kill(first.proc.pid, signal.SIGKILL)
        first.finish()
    assert documents(name) == before


# ------------------------------------------------------------------ a running server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_running_server_sees_what_an_ingest_committed(luat_home, tmp_path):
    name = "cons-serve"
    base_library(name).close()
    new, word = variant(tmp_path, 9008)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "luat.cli", "serve", "--library", name, "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                if httpx.get(base + "/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=30) as client:
            # several requests, so that both workers and several of their threads have the library open
            for _ in range(8):
                assert client.get("/api/search", params={"q": word}).json()["hits"] == []
            ingested = Luat("ingest", str(new), "--library", name, "--quiet", "--workers", "1")
            assert ingested.finish() == 0, ingested.err
            for _ in range(8):
                hits = client.get("/api/search", params={"q": word}).json()["hits"]
                assert hits and hits[0]["doc"] == "9008/QĐ-TTg"
            assert client.get("/api/stats").json()["documents"] == 2
            assert client.get("/van-ban/9008/QĐ-TTg").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_small_ingest_updates_a_copy_of_the_index(luat_home, tmp_path):
    name = "cons-update"
    lib = base_library(name)
    ingest([variant(tmp_path, n)[0] for n in range(9010, 9015)], lib, progress=False, workers=1)
    old = built_generation(index_path(name))
    new, word = variant(tmp_path, 9020)
    report = ingest([new], lib, progress=False, workers=1)
    assert report.index["updated_documents"] == 1  # one document of seven: the index was updated, not rebuilt
    assert built_generation(index_path(name)) == lib.generation() != old
    api.forget(name)
    assert api.search(word, library=name, k=3)[0]["doc"] == "9020/QĐ-TTg"
    assert api.search("chimcanhcut9012", library=name, k=3)[0]["doc"] == "9012/QĐ-TTg"
    # the same file again, changed: its old articles leave the index, its new ones come in
    new.write_text(new.read_text(encoding="utf-8").replace(word, "chimhaiau9020"), encoding="utf-8")
    assert ingest([new], lib, progress=False, workers=1).index["updated_documents"] == 1
    api.forget(name)
    assert api.search(word, library=name, k=3) == []
    assert api.search("chimhaiau9020", library=name, k=3)[0]["doc"] == "9020/QĐ-TTg"
    n_articles = lib.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert open_index(name).searcher().num_docs == n_articles
    lib.close()
