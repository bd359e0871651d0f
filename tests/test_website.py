"""The offline website's builder (``make site``, ``rnn_lib.website``), without a browser.

The site is built once into a temporary folder, with a stand-in for MathJax (the browser test,
tests/browser/test_site.py, uses the real one): every notebook has a page and an entry in the index,
the exercises show the student version (no solution, the ⏳ line instead of the stored ✅), widgets
their still and a note, and no page refers to anything on another host.
"""

import json
import re

import pytest

from rnn_lib import student, website

NOTEBOOKS = sorted((website.REPO / "notebooks").glob(student.NOTEBOOK_GLOB))
#: A tag that makes the browser fetch something: its address must stay on the site.
CSS_FETCH = re.compile(r"(?:@import\s+|url\()['\"]?(?:https?:)?//", re.I)
FETCHING = re.compile(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*\b(?:src|href)=\"([^\"]*)\"", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    fake = tmp_path_factory.mktemp("mathjax") / "tex-svg-full.js"
    fake.write_text("/* stand-in */\n")
    website.build(website.REPO / "notebooks", out, binder_repo="example/rnns", mathjax=fake,
                  reveal=_fake_reveal(tmp_path_factory.mktemp("reveal")))
    return out


def _fake_reveal(folder):
    """A stand-in for the reveal.js package: the files the site copies, empty."""
    for name in website.REVEAL_FILES:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if "." in path.name:
            path.write_text("/* stand-in */\n")
        else:
            path.mkdir()
            (path / "font.css").write_text("/* stand-in */\n")
    return folder


def test_the_index_links_every_notebook_in_order(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(\d\d_[\w-]+\.html)"', index)
    assert links == [website.page_name(p) for p in NOTEBOOKS]
    assert all((site / link).exists() for link in links)
    assert sorted(p.name for p in site.glob("*.html")) == sorted(
        ["index.html"] + links + [website.slides_name(p) for p in NOTEBOOKS])
    assert "https://mybinder.org/v2/gh/example/rnns/HEAD?labpath=notebooks%2F01_preprocessing.ipynb" in index


def _links(page, rel):
    """The addresses of the page's ``<a rel="...">`` links (the attributes in any order)."""
    tags = re.findall(r"<a\b[^>]*>", page)
    return [re.search(r'href="([^"]+)"', t).group(1) for t in tags if f'rel="{rel}"' in t]


def test_every_page_has_previous_next_and_the_links_to_run_it(site):
    for i, path in enumerate(NOTEBOOKS):
        page = (site / website.page_name(path)).read_text(encoding="utf-8")
        prev, nxt = _links(page, "prev"), _links(page, "next")
        assert prev == ([website.page_name(NOTEBOOKS[i - 1])] * 2 if i else []), path.name
        assert nxt == ([website.page_name(NOTEBOOKS[i + 1])] * 2 if i + 1 < len(NOTEBOOKS) else []), path.name
        assert f'href="http://localhost:8888/lab/tree/notebooks/{path.name}"' in page
        assert f"https://mybinder.org/v2/gh/example/rnns/HEAD?labpath=notebooks%2F{path.name}" in page
        assert 'class="site-learn"' in page and "You will learn" in page, path.name
        assert f'href="{website.slides_name(path)}"' in page
        assert not re.search(r'href="[^"]*\.ipynb"', page.replace(website.LAB_URL.format(name=path.name), "")
                             .replace(f"notebooks%2F{path.name}", "")), f"{path.name}: a link to a notebook file left"


def test_no_page_fetches_anything_from_another_host(site):
    for page_path in sorted(site.glob("*.html")):
        page = page_path.read_text(encoding="utf-8")
        for address in FETCHING.findall(page):
            assert not re.match(r"(?:[a-z]+:)?//", address, re.I) or address.startswith("data:"), \
                f"{page_path.name} fetches {address}"
        assert not CSS_FETCH.search(page), f"{page_path.name}: {CSS_FETCH.search(page).group(0)}"
    assert (site / website.MATHJAX_PATH).exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
@pytest.mark.parametrize("kind", ["page", "slides"])
def test_exercises_show_the_student_version(site, path, kind):
    nb = student.read_notebook(path)
    name = website.page_name(path) if kind == "page" else website.slides_name(path)
    page = (site / name).read_text(encoding="utf-8")
    n_solutions = len(student.solution_texts(nb))
    n_checks = sum(1 for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade"))
    assert student.BEGIN not in page and student.END not in page and "HIDDEN TESTS" not in page
    assert page.count("NotWritten</span><span class=\"p\">()") >= n_solutions  # raise NotWritten()
    assert "checks passed" not in page, "a stored ✅ would claim that the exercise is solved"
    assert len(re.findall(r'class="rnn-lib-check"[^>]*>⏳', page)) == n_checks


def test_site_version_keeps_outputs_and_replaces_widgets():
    nb = student.read_notebook(website.REPO / "notebooks" / "03_loss_and_gradients.ipynb")
    page = website.site_version(nb, "03")
    originals = {i: c for i, c in enumerate(nb["cells"])}
    widgets = 0
    for i, cell in enumerate(page["cells"]):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or meta:
            continue
        before = originals[i]["outputs"]
        if any(website.WIDGET_MIME in o.get("data", {}) for o in before):
            widgets += 1
            assert [list(o["data"]) for o in cell["outputs"]] == [["image/png"], ["text/html", "text/plain"]]
            assert "live in JupyterLab" in cell["outputs"][1]["data"]["text/html"]
        else:
            assert cell["outputs"] == before, f"cell {i}: a stored output changed"
    assert widgets == 1
    assert json.dumps(page).count("widget-view+json") == 0


def test_links_between_notebooks_become_links_between_pages():
    text = "**Previous:** [2. x](02_forward_pass.ipynb) · [README](../README.md#the-course) · [y](04_training.ipynb#s)"
    assert website._site_links(text) == ("**Previous:** [2. x](02_forward_pass.html) · [README](index.html#the-course)"
                                         " · [y](04_training.html#s)")


def test_a_missing_mathjax_is_one_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="npm ci"):
        website.build(website.REPO / "notebooks", tmp_path / "site", mathjax=tmp_path / "none.js")
    with pytest.raises(FileNotFoundError, match="reveal.js is not installed: run `make site`"):
        website.build(website.REPO / "notebooks", tmp_path / "site", mathjax=website.REPO / "README.md",
                      reveal=tmp_path)
