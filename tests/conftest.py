"""Shared fixtures: the real corpora under LUAT_DATA, and a small real library built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from luat.index import build_index
from luat.ingest import data_dir, ingest
from luat.store import Library

DATA = data_dir()
FIXTURES = Path(__file__).parent / "fixtures"
BHXH_DEMUC = "phapdien/2025-02/c8ba5bc7-224a-4f31-8d92-567613f68ca9.html.gz"


def pytest_collection_modifyitems(config, items):
    if DATA.is_dir():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"the real corpora are missing at {DATA}: set LUAT_DATA")
    skip = pytest.mark.skip(reason=f"real corpora not found at {DATA} (set LUAT_DATA)")
    for item in items:
        if "data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def luat_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("luat_home")
    os.environ["LUAT_HOME"] = str(home)
    return home


@pytest.fixture(scope="session")
def bhxh_library(luat_home) -> Library:
    """Social-insurance documents from three sources: Pháp điển đề mục 2.1, the official texts, law_dict."""
    lib = Library("test-bhxh")
    paths = [
        DATA / BHXH_DEMUC,
        DATA / "bhxh",
        DATA / "vlc-2021" / "luat-bao-hiem-xa-hoi.txt",
        DATA / "vlc-2021" / "bo-luat-dan-su.txt",
    ]
    report = ingest(paths, lib, progress=False, workers=2)
    assert not report.rejected, report.rejected
    build_index(lib, progress=False)
    return lib


@pytest.fixture(scope="session")
def qd_library(luat_home) -> Library:
    """A user's own Quyết định (the fixture in the layout of a Quyết định phê duyệt Đề án)."""
    lib = Library("test-qd")
    report = ingest([FIXTURES / "qd-1676-2019-trich.txt"], lib, progress=False, workers=1)
    assert not report.rejected, report.rejected
    build_index(lib, progress=False)
    return lib
