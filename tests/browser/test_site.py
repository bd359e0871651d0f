"""The offline website (``make site``) in Chromium: every page loads with nothing from another host.

The site is built once for this module (``rnn_lib.website.build``, with the MathJax and reveal.js that
``make site`` and ``make test`` install from npm) and served by a local HTTP server on 127.0.0.1; the index and one
notebook page are also opened from disk (``file://``). Every request the browser makes is recorded:
each must go to the local server, be a ``file://`` address inside the site or a ``data:`` URI. On
every page: the page answers 200, every image has loaded (``naturalWidth > 0``), MathJax has typeset
the maths (at least one formula on a notebook page, no TeX error, no ``$`` or ``\\(`` delimiter left in
the prose), and there is no page error and no console error. Each notebook's static deck
(``NN_*.slides.html``) has as many slides as its slide metadata says.
Without MathJax installed (no npm) the test is skipped with a line saying so; with ``CI=true`` it fails.
"""

import functools
import http.server
import os
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from rnn_lib import slides, student, website

pytestmark = pytest.mark.browser

TYPESET = """async () => {
    if (!window.MathJax || !MathJax.startup) return {formulas: -1};
    await MathJax.startup.promise;
    const prose = [...document.querySelectorAll('.jp-MarkdownOutput')].map(e => e.innerText).join('\\n');
    return {
        formulas: document.querySelectorAll('mjx-container').length,
        errors: document.querySelectorAll('mjx-merror, [data-mjx-error]').length,
        leftover: (prose.match(/\\$\\$|\\$[^$\\n]+\\$|\\\\\\(|\\\\\\[/g) || []).slice(0, 5),
    };
}"""
ARTIFACTS = website.REPO / "artifacts" / "browser"
NOTEBOOKS = sorted((website.REPO / "notebooks").glob(student.NOTEBOOK_GLOB))
IMAGES = """() => [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not website.MATHJAX_SOURCE.exists():
        reason = (f"MathJax is not installed ({website.MATHJAX_SOURCE}): `make site` or `make test` "
                  "installs it with npm")
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true: the site's browser test must run in CI)", pytrace=False)
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("website") / "site"
    website.build(website.REPO / "notebooks", out, binder_repo="example/rnns")
    return out


@pytest.fixture(scope="module")
def site_server(site):
    """``http.server`` on a free loopback port, serving the site, in a thread of this process."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _has_figures(path):
    return any("image/png" in o.get("data", {}) for c in student.read_notebook(path)["cells"]
               for o in c.get("outputs", []))


def _check_page(page, problems, url, notebook, figures=False):
    response = page.goto(url, wait_until="load")
    if url.startswith("http"):
        assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert page.evaluate(IMAGES) == [], f"{url}: images that did not load"
    if notebook:
        assert page.locator(".jp-OutputArea-output img").count() > 0 or not figures, f"{url}: no figure"
        maths = page.evaluate(TYPESET)
        assert maths["formulas"] > 0, f"{url}: no formula typeset ({maths})"
        assert maths["errors"] == 0, f"{url}: TeX errors"
        assert maths["leftover"] == [], f"{url}: maths left untypeset: {maths['leftover']}"
    assert not problems, f"{url}: {problems}"


def test_every_page_of_the_site_loads_offline(site, site_server, browser_page):
    page, problems = browser_page
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    _check_page(page, problems, f"{site_server}/index.html", notebook=False)
    for path in NOTEBOOKS:
        _check_page(page, problems, f"{site_server}/{website.page_name(path)}", notebook=True,
                    figures=_has_figures(path))
    for name in ("index.html", "03_loss_and_gradients.html"):
        _check_page(page, problems, (site / name).as_uri(), notebook=name != "index.html")
    for path in NOTEBOOKS:  # the static decks: as many slides as the slide metadata says
        _check_page(page, problems, f"{site_server}/{website.slides_name(path)}", notebook=True,
                    figures=_has_figures(path))
        total = page.evaluate("() => Reveal.isReady() ? Reveal.getTotalSlides() : -1")
        assert total == slides.count_slides(student.read_notebook(path)), f"{path.name}: {total} slides"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-03.png"))

    local = urlparse(site_server).netloc
    elsewhere = [u for u in requests if not (urlparse(u).netloc == local or u.startswith("data:")
                                             or (u.startswith("file://") and Path(urlparse(u).path).is_relative_to(site)))]
    assert elsewhere == [], f"requests that left the site: {elsewhere[:10]}"
    assert any(u.endswith(website.MATHJAX_PATH) for u in requests), "MathJax was not loaded from the site"
