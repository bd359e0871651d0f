"""Build the course as an offline website: ``site/index.html`` and one page per notebook.

    python -m rnn_lib.website                       # notebooks/NN_*.ipynb -> site/
    python -m rnn_lib.website --out site --binder-repo OWNER/NAME

``make site`` runs this after ``npm ci`` has installed MathJax (``website/package.json``). Nothing is
executed: each page is the notebook's stored outputs, rendered by nbconvert's ``lab`` template with the
course's template (``website/templates/site/``) on top. The pages load nothing from another host:

* the maths is typeset by MathJax 3, copied from ``website/node_modules`` into ``site/_assets/``;
* figures are PNGs inside the page (data URIs); no require.js, no widget manager, no mermaid;
* each exercise shows the student version's content (``rnn_lib.student``): the solution replaced by
  ``raise NotWritten()``, and the check cell's stored ✅ replaced by the ⏳ line the learner sees before
  writing anything (the checker's own ``CheckResult``, not a claim that a solution exists);
* a widget shows its stored picture and one line saying that it is live in JupyterLab.

Links between notebooks (``NN_x.ipynb``) become links between pages, ``../README.md`` the index.
"""

import argparse
import copy
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

from rnn_lib import student

REPO = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = REPO / "website" / "templates"
CSS = REPO / "website" / "site.css"
MATHJAX_SOURCE = REPO / "website" / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"
REVEAL_SOURCE = REPO / "website" / "node_modules" / "reveal.js"
#: What the slides need of reveal.js (its "white" theme loads its fonts from beside it).
REVEAL_FILES = ["LICENSE", "dist/reveal.js", "dist/reveal.css", "dist/reset.css", "dist/theme/white.css",
                "dist/theme/fonts/source-sans-pro"]
ASSETS = "_assets"
MATHJAX_PATH = f"{ASSETS}/mathjax/tex-svg-full.js"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("This is a widget: here you see its stored picture. It is live in JupyterLab "
               "(<code>make lab</code>), where its controls redraw the figure.")
LAB_URL = "http://localhost:8888/lab/tree/notebooks/{name}"
BINDER_URL = "https://mybinder.org/v2/gh/{repo}/HEAD?labpath=notebooks%2F{name}"
_NOTEBOOK_LINK = re.compile(r"\]\((\d\d_[\w-]+)\.ipynb(#[^)]*)?\)")
_README_LINK = re.compile(r"\]\(\.\./README\.md(#[^)]*)?\)")
_CHECK_CALL = re.compile(r"^\s*check_\w+\(\s*([A-Za-z_]\w*)", re.MULTILINE)
_LEARN = re.compile(r"^\*\*You will learn\*\*\s*$", re.MULTILINE)


def notebook_title(nb, fallback):
    """The text of the notebook's first ``# `` heading (``fallback`` if it has none)."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in student._source(cell).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def page_name(path):
    return Path(path).stem + ".html"


def slides_name(path):
    return Path(path).stem + ".slides.html"


def _site_links(text):
    text = _NOTEBOOK_LINK.sub(lambda m: f"]({m.group(1)}.html{m.group(2) or ''})", text)
    return _README_LINK.sub(lambda m: f"](index.html{m.group(1) or ''})", text)


def _learn_box(text):
    """Wrap the "You will learn" paragraph and the list below it in a ``<div class="site-learn">``."""
    match = _LEARN.search(text)
    if not match:
        return text
    rest = text[match.end():]
    end = re.search(r"\n\s*\n(?![ \t]*[*-] |[ \t]{2,}\S)", rest.lstrip("\n"))  # the list ends at a blank line
    body = rest.lstrip("\n")
    stop = end.start() if end else len(body)
    return (text[:match.start()] + '<div class="site-learn">\n\n' + match.group(0) + "\n\n"
            + body[:stop] + "\n\n</div>\n\n" + body[stop:].lstrip("\n"))


def _pending_output(check_source):
    """The ⏳ output a check cell shows in the student version, or ``None`` if its call is not recognised."""
    from rnn_lib.exercises import CheckResult

    match = _CHECK_CALL.search(check_source)
    if not match:
        return None
    message = "not written yet (the cells below use rnn_lib's version until this passes)"
    result = CheckResult(match.group(1), "not written", message, 0, 0, None)
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": result._repr_html_(), "text/plain": result.line}}


def _widget_outputs(output):
    """A widget's output without its (unrenderable) view: the stored picture, then the note."""
    data = {k: v for k, v in output.get("data", {}).items() if k != WIDGET_MIME}
    outputs = []
    if "image/png" in data:
        outputs.append(dict(output, data={"image/png": data["image/png"]}))
    note = {"text/html": f'<p class="site-widget-note">{WIDGET_NOTE}</p>', "text/plain": WIDGET_NOTE}
    outputs.append({"output_type": "display_data", "metadata": {}, "data": note})
    return outputs


def site_version(nb, name="notebook"):
    """The notebook as the site shows it: the student version's sources with the stored outputs kept,
    check cells showing ⏳, widgets their still and a note, links between pages."""
    stripped = student.student_version(nb, name)
    page = copy.deepcopy(nb)
    for cell, student_cell in zip(page["cells"], stripped["cells"]):
        cell["source"] = student_cell["source"]
        meta = cell.get("metadata", {})
        if cell["cell_type"] == "markdown":
            cell["source"] = _learn_box(_site_links(student._source(cell)))
            continue
        if cell["cell_type"] != "code":
            continue
        grading = meta.get("nbgrader", {})
        if grading.get("solution"):
            cell["outputs"] = []  # what the solution printed is not the learner's
        elif grading.get("grade"):
            pending = _pending_output(student._source(cell))
            cell["outputs"] = [pending] if pending else []
        else:
            outputs = []
            for output in cell.get("outputs", []):
                widget = WIDGET_MIME in output.get("data", {})
                outputs.extend(_widget_outputs(output) if widget else [output])
            cell["outputs"] = outputs
    page.get("metadata", {}).pop("widgets", None)
    return page


def course_table(readme):
    """The README's course table (the first table after ``## The course``), its links made page links."""
    section = readme.split("\n## The course", 1)
    if len(section) < 2:
        raise ValueError("README.md has no '## The course' section")
    lines = [line for line in section[1].splitlines()[1:] if line.strip()]
    table = []
    for line in lines:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    if not table:
        raise ValueError("README.md's '## The course' section has no table")
    return re.sub(r"\]\(notebooks/(\d\d_[\w-]+)\.ipynb\)", r"](\1.html)", "\n".join(table))


def _binder_repo():
    """``owner/name`` of the GitHub repository this clone came from, or ``None``."""
    try:
        url = subprocess.run(["git", "-C", str(REPO), "remote", "get-url", "origin"], capture_output=True,
                             text=True, check=False).stdout.strip()
    except OSError:
        return None
    match = re.search(r"github\.com[:/]([\w.-]+/[\w.-]+?)(?:\.git)?$", url)
    return match.group(1) if match else None


def _exporters():
    """nbconvert's exporters for a page and for a deck of slides, with the course's templates."""
    from nbconvert import HTMLExporter, SlidesExporter

    page = HTMLExporter(template_name="site", extra_template_basedirs=[str(TEMPLATE_DIR)])
    deck = SlidesExporter(template_name="site-slides", extra_template_basedirs=[str(TEMPLATE_DIR)],
                          extra_template_paths=[str(TEMPLATE_DIR / "site")],  # site_mathjax.html.j2
                          reveal_url_prefix=f"{ASSETS}/reveal", reveal_theme="white",
                          exclude_input_prompt=True, exclude_output_prompt=True)
    return page, deck


def _copy_assets(out, mathjax, reveal):
    (out / ASSETS / "mathjax").mkdir(parents=True)
    shutil.copy2(mathjax, out / MATHJAX_PATH)
    if (mathjax.parents[1] / "LICENSE").exists():
        shutil.copy2(mathjax.parents[1] / "LICENSE", out / ASSETS / "mathjax" / "LICENSE")
    shutil.copy2(CSS, out / ASSETS / "site.css")
    for name in REVEAL_FILES:
        source, target = reveal / name, out / ASSETS / "reveal" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)


def build(source="notebooks", out="site", readme=None, binder_repo=None, mathjax=MATHJAX_SOURCE,
          reveal=REVEAL_SOURCE):
    """Write ``out/index.html``, ``out/NN_*.html``, ``out/NN_*.slides.html`` and ``out/_assets``; returns
    the written pages.

    ``mathjax`` is the MathJax bundle copied into the site (``tex-svg-full.js``) and ``reveal`` the
    reveal.js package, both installed by ``npm ci --prefix website``.
    """
    from nbconvert.filters.markdown import markdown2html

    source, out = Path(source), Path(out)
    paths = sorted(source.glob(student.NOTEBOOK_GLOB))
    if not paths:
        raise FileNotFoundError(f"no notebooks {student.NOTEBOOK_GLOB} in {source}")
    if not TEMPLATE_DIR.is_dir():
        raise FileNotFoundError(f"the website's templates are not at {TEMPLATE_DIR}: build the site from a clone "
                                "of the repository (`make site`), not from an installed package")
    mathjax, reveal = Path(mathjax), Path(reveal)
    for needed in (mathjax, reveal / "dist" / "reveal.js"):
        if not needed.exists():
            raise FileNotFoundError(f"{needed} is not installed: run `make site`, which runs "
                                    "`npm ci --prefix website` first")
    readme = Path(readme) if readme else source.resolve().parent / "README.md"
    table = course_table(readme.read_text(encoding="utf-8"))
    notebooks = [(path, student.read_notebook(path)) for path in paths]
    titles = [notebook_title(nb, path.stem) for path, nb in notebooks]
    binder_repo = binder_repo or _binder_repo()

    if out.exists():
        shutil.rmtree(out)
    _copy_assets(out, mathjax, reveal)

    (exporter, deck), written = _exporters(), []
    for i, (path, nb) in enumerate(notebooks):
        nav = {"index": "index.html",
               "previous": (page_name(paths[i - 1]), titles[i - 1]) if i > 0 else None,
               "next": (page_name(paths[i + 1]), titles[i + 1]) if i + 1 < len(paths) else None,
               "lab_url": LAB_URL.format(name=path.name), "notebook": f"notebooks/{path.name}",
               "slides": slides_name(path),
               "binder_url": BINDER_URL.format(repo=binder_repo, name=path.name) if binder_repo else None}
        resources = {"metadata": {"name": titles[i]}, "site": nav, "mathjax_path": MATHJAX_PATH}
        node = _as_node(site_version(nb, path.name))
        body, _ = exporter.from_notebook_node(node, resources=resources)
        (out / page_name(path)).write_text(body, encoding="utf-8")
        slides, _ = deck.from_notebook_node(node, resources=dict(resources))
        (out / slides_name(path)).write_text(slides, encoding="utf-8")
        written += [out / page_name(path), out / slides_name(path)]

    index = INDEX.format(table=markdown2html(table), css=f"{ASSETS}/site.css",
                         binder=_binder_line(binder_repo))
    (out / "index.html").write_text(index, encoding="utf-8")
    return [out / "index.html"] + written


def _binder_line(repo):
    if repo:
        url = f"https://mybinder.org/v2/gh/{repo}/HEAD?labpath=notebooks%2F01_preprocessing.ipynb"
        return f'or <a href="{html.escape(url)}">on Binder</a> (no installation; needs the internet)'
    return "or on Binder, from the repository's <code>environment.yml</code> and <code>postBuild</code>"


def _as_node(nb):
    import json

    import nbformat

    return nbformat.reads(json.dumps(nb), as_version=4)  # joins the stored lists of lines, as nbformat.read


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>RNNs from Scratch</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}">
</head>
<body class="site-index">
<main>
<h1>RNNs from Scratch</h1>
<p>An interactive, tested course that teaches vanilla recurrent neural networks by building one in numpy:
a many-to-one RNN that reads a short phrase word by word and says whether it is positive or negative.
It follows Victor Zhou's <em>An Introduction to Recurrent Neural Networks for Beginners</em> (2019), keeps
its names and shapes, and fixes what that article's code gets wrong.</p>
<p>These pages show each notebook as it is stored, with its printed outputs and figures. The exercises
show what a learner gets: the code to write and the cell that checks it. To run the code, write the
exercises and use the widgets, open the notebooks in JupyterLab (<code>make lab</code> in the
repository), {binder}.</p>
<h2>The course</h2>
{table}
</main>
</body>
</html>
"""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnn_lib.website", description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="notebooks", help="folder of the notebooks (default: notebooks)")
    parser.add_argument("--out", default="site", help="folder to write the site to (default: site)")
    parser.add_argument("--binder-repo", default=None,
                        help="GitHub OWNER/NAME for the Binder links (default: the clone's origin, if on GitHub)")
    args = parser.parse_args(argv)
    try:
        written = build(args.source, args.out, binder_repo=args.binder_repo)
    except (FileNotFoundError, ValueError, student.MarkerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{len(written)} pages in {args.out}/ (open {args.out}/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
