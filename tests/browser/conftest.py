"""Fixtures for the browser tests: a JupyterLab server and Debian's Chromium driven by Playwright.

Every test gets its own server (free loopback port, random token, a temporary root folder holding
a fresh copy of the notebook) and its own browser, and both are stopped by PID when the test ends:
the server's process group, then any of its children (kernels) still alive, then every process
the browser launch started. Nothing is downloaded: the browser is /usr/bin/chromium.

Where Chromium or Playwright is missing the tests skip and say why; with ``CI=true`` in the
environment they fail instead, so CI cannot pass without running them.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
import secrets

import pytest

CHROMIUM = "/usr/bin/chromium"
#: Flags verified on these machines (docs: NOTEBOOK_TESTING); the network ones stop Chromium from
#: calling home on a machine without internet access.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
SERVER_START_TIMEOUT_S = 90
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives JupyterLab in a real browser (Chromium + Playwright)")


def _require(condition, reason):
    """Skip with ``reason`` unless ``condition``; under CI=true, fail instead of skipping."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid):
    """PIDs of all living descendants of ``pid`` (read from /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def kill_pids(pids, sig=signal.SIGKILL):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


class LabServer:
    """``jupyter lab`` on a free loopback port with a token, serving ``root``; ``stop()`` ends it by PID."""

    def __init__(self, root, log_path):
        self.root, self.port, self.token = Path(root), free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        home = self.root.parent / "jupyter-home"  # settings, workspaces and runtime files of this test only
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
                   JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
                   IPYTHONDIR=str(home / "ipython"))
        env.pop("MPLBACKEND", None)  # Agg here would stop inline figures (NOTEBOOK_TESTING)
        # no "get notified about Jupyter news?" toast over the notebook (and no fetch of the news feed)
        news = home / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True, exist_ok=True)
        news.write_text('{"fetchNews": "false"}')
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
               f"--ServerApp.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--ServerApp.port_retries=0", "--expose-app-in-browser",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self._wait_until_up()

    def _wait_until_up(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"jupyter lab did not answer within {SERVER_START_TIMEOUT_S} s:\n{self.log()}")

    def log(self):
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]

    def stop(self):
        """SIGTERM the server's process group (it shuts its kernels down), then SIGKILL whatever is left."""
        kernels = children_of(self.process.pid)  # kernels run in their own sessions: remember their PIDs
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in kernels) and time.monotonic() < deadline:
            time.sleep(0.2)
        kill_pids(p for p in kernels if alive(p))
        self._log.close()
        return [p for p in kernels if alive(p)]


@pytest.fixture
def lab(tmp_path):
    """``lab(notebook)``: copy the notebook (and the non-notebook files beside it) to a temporary root
    and start a JupyterLab serving it; returns the ``LabServer``. Stopped by PID after the test."""
    servers = []

    def start(notebook):
        notebook = Path(notebook)
        root = tmp_path / "root"
        root.mkdir()
        shutil.copy2(notebook, root / notebook.name)
        for extra in notebook.parent.iterdir():  # what the notebook may read beside it (data, images)
            if extra.is_file() and extra.suffix != ".ipynb":
                shutil.copy2(extra, root / extra.name)
        server = LabServer(root, tmp_path / "jupyter-lab.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        left = server.stop()
        assert not left, f"kernel processes still alive after stopping the server: {left}"


@pytest.fixture
def browser_page():
    """A Playwright page in Debian's Chromium, with page errors and console errors collected.

    Yields ``(page, problems)``: ``problems`` is the list of page errors and console errors, each
    a string, that the test must find empty. The browser and the Playwright driver are closed,
    and every process they started is then killed by PID if still alive.
    """
    _require(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
             "(Debian's package) to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "the playwright Python package is not installed: pip install -e '.[test]'")
    before = children_of(os.getpid())
    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
    started = children_of(os.getpid()) - before  # the Playwright driver, Chromium and its helpers
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    problems = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: _on_console(message, problems))
    try:
        yield page, problems
    finally:
        try:
            browser.close()
        finally:
            manager.stop()
            deadline = time.monotonic() + 10
            while any(alive(p) for p in started) and time.monotonic() < deadline:
                time.sleep(0.2)
            kill_pids(p for p in started if alive(p))


#: Console errors that are not faults of the page under test; each entry says why it is harmless.
BENIGN_CONSOLE_ERRORS = [
]


def _on_console(message, problems):
    if message.type != "error":
        return
    text = message.text
    if any(pattern in text for pattern, _why in BENIGN_CONSOLE_ERRORS):
        return
    problems.append(f"console error: {text} ({message.location.get('url', '')})")
