"""Browser fixtures: Debian's Chromium (/usr/bin/chromium) driven by Playwright, never a downloaded
browser. Tests skip with a reason when it is absent (CI installs it with apt-get).

Two reports are opened: the demo study run by ``framing.run`` with an extra outlet whose documents
carry script injections in their title, text and the outlet's name, and a hand-built RunResult
(tests/test_report_sample.py) that has every table at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
ARTIFACTS = REPO / "test-artifacts"
for p in (TESTS, Path(__file__).resolve().parent):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from browser_helpers import ARGS, CHROMIUM, focused_demo, injected_demo, large_study  # noqa: E402


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory) -> Path:
    """The demo study (plus the injected outlet) run end to end by ``framing.run``."""
    import framing

    root = tmp_path_factory.mktemp("demo")
    result = framing.run(injected_demo(root))
    assert result.report_path and result.report_path.is_file()
    return result.report_path


@pytest.fixture(scope="session")
def focused_report(tmp_path_factory) -> Path:
    """The demo study with a declared comparison of two groups of outlets and a pair."""
    import framing

    result = framing.run(focused_demo(tmp_path_factory.mktemp("focused")), topics=False, classify=False)
    return result.report_path


@pytest.fixture(scope="session")
def large_report(tmp_path_factory) -> Path:
    """A synthetic study of SaudiNewsNet's shape (14 outlets, every table long), run end to end."""
    import framing

    result = framing.run(large_study(tmp_path_factory.mktemp("large")))
    return result.report_path


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory) -> Path:
    from framing.report import write_report
    from test_report_sample import sample_result

    return write_report(sample_result(), tmp_path_factory.mktemp("sample"))


@pytest.fixture(params=["demo", "sample"])
def report(request) -> Path:
    return request.getfixturevalue(f"{request.param}_report")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
