"""Fixtures for the browser tests: one JupyterLab server and one Debian Chromium for the session.

The server (free loopback port, random token) serves a temporary root folder; every test gets a
folder of its own in it, holding a fresh copy of its notebook (and of the files beside the course
notebooks), a fresh browser context and page (no cookies, storage or layout from another test), and a
fresh kernel, which is shut down when the test ends. At the end of the session the server is stopped
by PID (its process group, then any kernel still alive), and so is every process the browser
launch started. Nothing is downloaded: the browser is /usr/bin/chromium.

Where Chromium or Playwright is missing the tests skip and say why; with ``CI=true`` in the
environment they fail instead, so CI cannot pass without running them.
"""

import itertools
import json
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
NOTEBOOKS_DIR = REPO / "notebooks"


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

    def api(self, method, path):
        """Call the server's REST API; returns the decoded JSON answer (``None`` if empty)."""
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self):
        """End every session and kernel through the REST API (a test's kernel does not outlive the
        test), then wait for their processes to exit, killing by PID any that does not; returns the
        PIDs that had to be killed."""
        pids = children_of(self.process.pid)
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")
        for kernel in self.api("GET", "kernels"):
            self.api("DELETE", f"kernels/{kernel['id']}")
        deadline = time.monotonic() + 20
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        stuck = [p for p in pids if alive(p)]
        kill_pids(stuck)
        return stuck


def _require_browser():
    """Skip (fail under CI=true) unless Chromium and Playwright's Python package are there."""
    _require(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
             "(Debian's package) to run the browser tests")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _require(False, "the playwright Python package is not installed: pip install -e '.[test]'")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """The session's ``LabServer``, serving an empty temporary root; stopped by PID at the end."""
    _require_browser()  # no server started for tests that will skip
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    root.mkdir()
    server = LabServer(root, base / "jupyter-lab.log")
    yield server
    left = server.stop()
    assert not left, f"kernel processes still alive after stopping the server: {left}"


_FOLDERS = itertools.count(1)


@pytest.fixture
def lab(lab_server, request):
    """``lab(notebook)``: copy the notebook, with the non-notebook files beside the course notebooks
    (data, images), into a new folder of the session's server root; returns ``(server, path)``, the
    path relative to the root. The test's kernels are shut down when it ends."""
    folder = lab_server.root / f"{next(_FOLDERS):02d}-{request.node.name}".replace("[", "-").replace("]", "")
    folder.mkdir()
    for extra in NOTEBOOKS_DIR.iterdir():  # what a notebook may read beside it
        if extra.is_file() and extra.suffix != ".ipynb":
            shutil.copy2(extra, folder / extra.name)

    def open_copy(notebook):
        notebook = Path(notebook)
        shutil.copy2(notebook, folder / notebook.name)
        return lab_server, f"{folder.name}/{notebook.name}"

    yield open_copy
    stuck = lab_server.shut_down_kernels()
    assert not stuck, f"kernel processes {stuck} did not exit when shut down: killed by PID"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, for the whole session; every process it started is
    killed by PID at the end if still alive."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    before = children_of(os.getpid())
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
    except BaseException:
        manager.stop()
        raise
    started = children_of(os.getpid()) - before  # the Playwright driver, Chromium and its helpers
    try:
        yield browser
    finally:
        try:
            browser.close()
        finally:
            manager.stop()
            deadline = time.monotonic() + 10
            while any(alive(p) for p in started) and time.monotonic() < deadline:
                time.sleep(0.2)
            kill_pids(p for p in started if alive(p))


@pytest.fixture
def browser_page(browser):
    """A fresh page in a fresh browser context, with page errors and console errors collected.

    Yields ``(page, problems)``: ``problems`` is the list of page errors and console errors, each
    a string, that the test must find empty. The context is closed after the test.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    problems = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: _on_console(message, problems))
    try:
        yield page, problems
    finally:
        context.close()


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
