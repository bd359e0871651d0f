"""The course's widgets in JupyterLab, in a real browser (Debian's Chromium, driven by Playwright).

One JupyterLab server and one browser serve the whole session (conftest.py); every test opens its
own copy of a notebook in a fresh page, with a fresh kernel. Two kinds of test:

* ``test_every_widget_in_a_harness_notebook``: a small harness notebook, generated at the start of
  the session, builds every widget of ``rnn_lib.widgets`` with its public constructor, called as the
  course notebooks call it, on a small network: the widget checks do not pay for a whole course
  notebook's execution. Every widget class a course notebook imports must have a cell in it.
* ``test_course_notebook_in_jupyterlab[<notebook>]``: the course notebook that builds the most
  widgets (04: three) is cleared and run top to bottom, as a user would, and its widgets checked.

Each test checks

* every code cell ran (execution counts 1..N), with no error output (except in cells tagged
  ``raises-exception``) and no stderr output;
* no page error and no console error in the browser (see ``BENIGN_CONSOLE_ERRORS`` in conftest.py);
* each widget is rendered, with its figure loaded, and responds:
  - time stepper: focus the time slider's handle, press ArrowRight: the readout steps, the word
    highlighted is the word at the new t, and the figure is replaced; Play advances the slider,
    Stop returns it to 0, End shows the whole phrase;
  - phrase explorer: typing a phrase + Enter replaces the plot and the verdict; a word outside the
    vocabulary shows the friendly message naming the word and listing the vocabulary, no traceback;
  - gradient viewer: ArrowLeft on the weight-scale slider changes the readout and the plot;
  - live trainer: a click on Train trains (progress bar full, status at the new epoch, plot replaced);
  - trajectory viewer: a phrase typed into the second box + Enter replaces the plot and the summary;
    an unknown word in the first box shows the friendly message (the plot stays), a good phrase
    clears it;
  - gate stepper: ArrowRight on the time slider steps the readout, highlights the word and replaces
    the figure; an unknown word shows the friendly message, a good phrase clears it.
  - name sampler: a click on Sample shows other names and the next seed; ArrowLeft on the temperature
    slider changes its readout, the names and the plot;
  - next-character explorer: typing a prefix + Enter replaces the plot and the readout; ArrowRight on
    the time slider steps the readout and replaces the figure; a character outside the alphabet shows
    the friendly message naming it and the alphabet, no traceback;
  - attention explorer: typing a date + Enter replaces the map and the readout; Home and ArrowRight on
    the output-step slider step the readout and replace the figure; an unknown character shows the
    friendly message naming it, no traceback, and a good date brings the map back.

A screenshot of each notebook (and one of each widget) is saved in artifacts/browser/, with the
time from a key press to the new figure being shown (``<name>-round-trips.json``).
Set ``RNN_BROWSER_NOTEBOOKS`` (paths separated by ``os.pathsep``) to run the top-to-bottom test on
other notebooks instead, e.g. every course notebook, or a scratch notebook while developing a widget.
"""

import json
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
RUN_ALL_TIMEOUT_MS = 300_000
UPDATE_TIMEOUT_MS = 30_000
WIDGET_CLASSES = {
    "TimeStepper": "rnn-time-stepper",
    "PhraseExplorer": "rnn-phrase-explorer",
    "GradientViewer": "rnn-gradient-viewer",
    "LiveTrainer": "rnn-live-trainer",
    "TrajectoryViewer": "rnn-trajectory-viewer",
    "GateStepper": "rnn-gate-stepper",
    "NameSampler": "rnn-name-sampler",
    "NextCharExplorer": "rnn-next-char",
    "AttentionExplorer": "rnn-attention-map",
}
UNKNOWN_WORD = "joyful"
BAD_PREFIX_CHARACTER = "3"
ROUND_TRIPS_MS = {}  # filled by the checks, written to artifacts/browser/<name>-round-trips.json

#: The harness: the course's vocabulary and a network built as notebook 02 builds its own (Xavier
#: initialisation, untrained: its answers differ from phrase to phrase), then one widget built as the
#: course notebooks build it (grep notebooks/ for ``TimeStepper(`` etc.).
HARNESS_SETUP = """\
%matplotlib inline
import numpy as np

import rnn_lib
from rnn_lib.widgets import {names}

vocab = rnn_lib.Vocabulary.from_texts(rnn_lib.train_data)
model = rnn_lib.RNN(len(vocab), 2, rnn_lib.HIDDEN_SIZE, rng=np.random.default_rng(0), init="xavier")
print(f"V = {{len(vocab)}}, H = {{rnn_lib.HIDDEN_SIZE}}")"""
HARNESS = {
    "TimeStepper": 'TimeStepper(model, vocab, phrase="i am not at all happy", t=3)',
    "PhraseExplorer": 'PhraseExplorer(model, vocab, phrase="i am not at all happy")',
    "GradientViewer": 'GradientViewer(vocab, phrase="i am not at all happy or good right now", '
                      'default_label=False, scale=0.1)',
    # as notebook 04: a network trained with rnn_lib.fit (5 epochs here) and its history
    "LiveTrainer": "trained, _, history = rnn_lib.fit(seed=0, epochs=5)\n"
                   "LiveTrainer(trained, vocab, history=history, epochs=700)",
    # as notebook 05: two phrases that differ in one word, the projection fitted on the training phrases
    "TrajectoryViewer": 'TrajectoryViewer(model, vocab, "i am not bad", "i am not bad right now", '
                        'fit_texts=rnn_lib.train_data)',
    # as notebook 07: a gated cell stepped through a phrase (a small LSTM here), from t = 0
    "GateStepper": 'GateStepper(rnn_lib.LSTM(len(vocab), 2, hidden_size=8, rng=2, init=0.5), vocab, '
                   'phrase="i am not happy", t=0)',
    # as notebook 06: a language model on the census names (trained for one epoch here)
    "NameSampler": "from rnn_lib import CharLM, load_dataset\n"
                   "from rnn_lib.lm import RECIPE\nfrom rnn_lib.training import train_lm\n"
                   "names = load_dataset(\"names\")\n"
                   "lm = CharLM(names.alphabet, RECIPE.hidden_size, rng=np.random.default_rng(0))\n"
                   "_ = train_lm(lm, names.train, epochs=1, rng=0)\n"
                   "NameSampler(lm, train_names=names.train, n=10, temperature=1.0, seed=0)",
    "NextCharExplorer": 'NextCharExplorer(lm, prefix="jon")',
    # as notebook 09: a date translator with attention (untrained here), at output step 6
    "AttentionExplorer": "from rnn_lib.data.dates import input_characters\n"
                         "from rnn_lib.seq2seq import Seq2Seq\n"
                         "translator = Seq2Seq(input_characters(), rng=0)\n"
                         'AttentionExplorer(translator, "tuesday, 10 march 2009", t=6)',
}


def course_notebooks():
    return sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def code_of(path):
    return "\n".join("".join(c["source"]) for c in json.loads(Path(path).read_text())["cells"]
                     if c["cell_type"] == "code")


def widgets_built_in(path):
    """The widget classes the notebook's code cells construct."""
    source = code_of(path)
    return [name for name in WIDGET_CLASSES if re.search(rf"\b{name}\(", source)]


def widgets_imported_in(path):
    """The names a notebook imports from ``rnn_lib.widgets``."""
    names = set()
    for group in re.findall(r"^\s*from\s+rnn_lib\.widgets\s+import\s+(\([^)]*\)|[^\n#]+)", code_of(path),
                            flags=re.MULTILINE):
        names |= {n.split(" as ")[0].strip() for n in group.strip("()").split(",") if n.strip()}
    return names


def top_to_bottom_notebooks():
    """The notebooks run top to bottom in the browser: ``RNN_BROWSER_NOTEBOOKS`` if set, otherwise the
    course notebook that builds the most widget classes (the first of equals)."""
    if os.environ.get("RNN_BROWSER_NOTEBOOKS"):
        return [Path(p) for p in os.environ["RNN_BROWSER_NOTEBOOKS"].split(os.pathsep) if p]
    with_widgets = [p for p in course_notebooks() if widgets_built_in(p)]
    return [max(with_widgets, key=lambda p: len(widgets_built_in(p)))] if with_widgets else []


NOTEBOOKS = top_to_bottom_notebooks()


def harness_notebook(folder):
    """Write the harness notebook into ``folder``: the set-up cell, then one cell per widget; return its path."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Harness: every widget of rnn_lib.widgets"),
                nbformat.v4.new_code_cell(HARNESS_SETUP.format(names=", ".join(sorted(HARNESS))))]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in HARNESS.values()]
    path = Path(folder) / "harness.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="session")
def harness(tmp_path_factory):
    """The harness notebook, generated once at the start of the session."""
    return harness_notebook(tmp_path_factory.mktemp("harness"))


@pytest.fixture(scope="session")
def artifacts():
    """artifacts/browser/, emptied of the screenshots and timings of earlier sessions."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in [*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("*-round-trips.json")]:
        old.unlink()
    return ARTIFACTS


@pytest.mark.browser
def test_every_widget_in_a_harness_notebook(harness, artifacts, lab, browser_page):
    page, problems = browser_page
    server, path = lab(harness)
    run_and_check(page, server, path, list(HARNESS), "harness", problems)


@pytest.mark.browser
@pytest.mark.slow  # a whole course notebook executes (04 trains for 1000 epochs with the teaching loop)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_course_notebook_in_jupyterlab(notebook, artifacts, lab, browser_page):
    page, problems = browser_page
    expected = widgets_built_in(notebook)
    assert expected, f"{notebook.name} builds none of {list(WIDGET_CLASSES)}"
    server, path = lab(notebook)
    run_and_check(page, server, path, expected, notebook.stem, problems)


def run_and_check(page, server, path, expected, stem, problems):
    """Clear and run the notebook at ``path``, check its outputs, then check each widget in ``expected``."""
    ROUND_TRIPS_MS.clear()
    try:
        open_and_run_all(page, server, path)
        check_outputs(page, path)
        for name in expected:
            root = page.locator(f".{WIDGET_CLASSES[name]}").first
            root.wait_for(state="attached")
            root.scroll_into_view_if_needed()
            CHECKS[name](page, root)
            root.screenshot(path=str(ARTIFACTS / f"{stem}-{name}.png"))
        page.locator(f".{WIDGET_CLASSES[expected[0]]}").first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    finally:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"))
        if ROUND_TRIPS_MS:  # key press to new picture in the browser, kernel and transfer included
            timings = {k: round(v, 1) for k, v in ROUND_TRIPS_MS.items()}
            (ARTIFACTS / f"{stem}-round-trips.json").write_text(json.dumps(timings, indent=1))
            ROUND_TRIPS_MS.clear()
    page.wait_for_timeout(500)  # let late console messages arrive
    assert not problems, "errors in the browser:\n" + "\n".join(problems)


# --- running the notebook ----------------------------------------------------------------------------

KERNEL_STATUS = "() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status"


def open_and_run_all(page, server, path):
    page.goto(f"{server.url}/lab/tree/{path}?reset&token={server.token}")
    page.locator(".jp-Notebook").first.wait_for()
    dialog = page.locator(".jp-Dialog .jp-mod-accept")  # "Select Kernel", if the stored one is unknown
    page.wait_for_function(f"() => ({KERNEL_STATUS})() === 'idle' || document.querySelector('.jp-Dialog')",
                           timeout=90_000)
    if dialog.count():
        dialog.first.click()
        page.wait_for_function(f"() => ({KERNEL_STATUS})() === 'idle'", timeout=90_000)
    # clear the stored outputs (and execution counts) first, so that what is checked is this run's
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")  # not awaited
    n_code = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON()"
                           ".cells.filter(c => c.cell_type === 'code').length")
    page.wait_for_function(
        f"""n => {{
            const cells = window.jupyterapp.shell.currentWidget.content.model.toJSON().cells
                .filter(c => c.cell_type === 'code');
            return cells.length === n && cells.every((c, i) => c.execution_count === i + 1)
                && ({KERNEL_STATUS})() === 'idle';
        }}""", arg=n_code, timeout=RUN_ALL_TIMEOUT_MS, polling=500)


def check_outputs(page, name):
    """Every code cell ran without an error output (unless tagged raises-exception) or stderr."""
    cells = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON().cells")
    bad = []
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        for out in cell["outputs"]:
            if out["output_type"] == "error" and "raises-exception" not in tags:
                bad.append(f"cell {i}: {out['ename']}: {out['evalue']}")
            if out["output_type"] == "stream" and out["name"] == "stderr":
                bad.append(f"cell {i}: stderr: {''.join(out['text'])[:300]}")
    assert not bad, f"{name} in JupyterLab:\n" + "\n".join(bad)


# --- helpers ----------------------------------------------------------------------------------------

def figure(root):
    return root.locator("img.widget-image").first


def wait_figure_loaded(root):
    img = figure(root)
    img.wait_for(state="visible")
    img.page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=img.element_handle())


def wait_figure_replaced(root, old_src):
    """Wait until the figure's ``src`` (a new blob URL for every new PNG) differs from ``old_src`` and has loaded."""
    img = figure(root)
    img.page.wait_for_function("([img, old]) => img.src !== old && img.complete && img.naturalWidth > 100",
                               arg=[img.element_handle(), old_src], timeout=UPDATE_TIMEOUT_MS)


def wait_text(locator, predicate_js, timeout=UPDATE_TIMEOUT_MS):
    locator.page.wait_for_function(f"el => {{ const text = el.textContent; return {predicate_js}; }}",
                                   arg=locator.element_handle(), timeout=timeout)


def wait_inside(root, selector, predicate_js, timeout=UPDATE_TIMEOUT_MS):
    """Like ``wait_text`` for the element ``selector`` inside ``root``, looked up afresh at every poll
    (an HTML widget replaces its elements when its value changes)."""
    root.page.wait_for_function(
        f"""([root, sel]) => {{ const el = root.querySelector(sel); if (!el) return false;
                                const text = el.textContent; return {predicate_js}; }}""",
        arg=[root.element_handle(), selector], timeout=timeout)


def slider(root, index=0):
    return root.locator(".widget-slider").nth(index)


def press_and_wait(page, root, readout, key, value):
    """Press ``key`` on the focused slider, wait for the readout to show ``value`` and for a new picture;
    return the milliseconds it took."""
    old_src = figure(root).get_attribute("src")
    start = time.perf_counter()
    page.keyboard.press(key)
    wait_text(readout, f"text.trim() === '{value}'")
    wait_figure_replaced(root, old_src)
    return 1000 * (time.perf_counter() - start)


# --- the checks, one per widget ---------------------------------------------------------------------

def check_time_stepper(page, root):
    wait_figure_loaded(root)
    readout = slider(root).locator(".widget-readout")
    # a cell just scrolled into view may not be laid out yet (its text reads as ''): wait for the number
    wait_text(readout, "/^\\s*\\d+\\s*$/.test(text)")
    t0 = int(readout.text_content().strip())
    words_box = root.locator(".widget-html-content").filter(has=page.locator("span, mark")).first
    words = words_box.locator("div").first.text_content().split()
    assert 1 <= len(words), "the phrase is not shown"
    if t0 >= len(words):  # start from a step that can move right
        handle = slider(root).locator(".noUi-handle")
        handle.focus()
        old = figure(root).get_attribute("src")
        page.keyboard.press("Home")
        wait_text(readout, "text.trim() === '0'")
        wait_figure_replaced(root, old)
        t0 = 0
    old_src = figure(root).get_attribute("src")
    handle = slider(root).locator(".noUi-handle")
    handle.focus()
    start = time.perf_counter()
    page.keyboard.press("ArrowRight")
    t1 = t0 + 1
    wait_text(readout, f"text.trim() === '{t1}'")
    wait_figure_replaced(root, old_src)
    ROUND_TRIPS_MS["TimeStepper: ArrowRight -> new figure shown"] = 1000 * (time.perf_counter() - start)
    mark = root.locator("mark.rnn-current-word")
    wait_text(mark, f"text === {json.dumps(words[t1 - 1])}")
    assert f"t = {t1} of {len(words)}" in root.inner_text()
    # Play (linked to the slider in the browser) steps through time on its own
    page.keyboard.press("Home")
    wait_text(readout, "text.trim() === '0'")
    old_src = figure(root).get_attribute("src")
    root.locator(".widget-play button:has(.fa-play)").click()
    wait_text(readout, "Number(text.trim()) >= 1", timeout=10_000)
    wait_figure_replaced(root, old_src)
    root.locator(".widget-play button:has(.fa-stop)").click()  # stop: back to t = 0
    wait_text(readout, "text.trim() === '0'")
    wait_text(root, f"text.includes('t = 0 of {len(words)}')")
    old_src = figure(root).get_attribute("src")
    handle.focus()
    page.keyboard.press("End")  # the whole phrase read, for the screenshot
    wait_text(readout, f"text.trim() === '{len(words)}'")
    wait_text(root, f"text.includes('t = {len(words)} of {len(words)}')")
    wait_figure_replaced(root, old_src)


def check_phrase_explorer(page, root):
    box = root.locator("input[type=text]").first
    verdict = root.locator(".rnn-verdict")
    for phrase in ("i am very happy", "this was very bad earlier"):  # whatever the notebook left shown
        old_src = figure(root).get_attribute("src")
        old_verdict = verdict.inner_text() if verdict.count() else ""
        box.fill(phrase)
        start = time.perf_counter()
        box.press("Enter")
        wait_figure_replaced(root, old_src)
        wait_figure_loaded(root)
        ROUND_TRIPS_MS["PhraseExplorer: Enter -> new figure shown"] = 1000 * (time.perf_counter() - start)
        wait_text(verdict, f"text !== {json.dumps(old_verdict)} && text.includes('P(positive)')")
    box.fill(f"i am {UNKNOWN_WORD} now")
    box.press("Enter")
    message = root.locator(".rnn-message")
    message.wait_for()
    text = message.inner_text()
    assert f"“{UNKNOWN_WORD}” is not a word this network knows" in text, text
    assert "vocabulary" in text and "happy" in text and "earlier" in text, text  # the vocabulary is listed
    assert "Traceback" not in root.inner_text() and "Error" not in root.inner_text()
    assert not figure(root).is_visible()
    box.fill(phrase)  # and back: the plot returns
    box.press("Enter")
    message.wait_for(state="detached")
    figure(root).wait_for(state="visible")


def check_gradient_viewer(page, root):
    wait_figure_loaded(root)
    readout = slider(root).locator(".widget-readout")
    old_src, old_value = figure(root).get_attribute("src"), readout.inner_text()
    slider(root).locator(".noUi-handle").focus()
    start = time.perf_counter()
    page.keyboard.press("ArrowLeft")
    wait_text(readout, f"text.trim() !== {json.dumps(old_value.strip())}")
    wait_figure_replaced(root, old_src)
    ROUND_TRIPS_MS["GradientViewer: ArrowLeft -> new figure shown"] = 1000 * (time.perf_counter() - start)


def check_live_trainer(page, root):
    wait_figure_loaded(root)
    epochs = root.locator("input[type=number]").first
    epochs.fill("5")
    epochs.press("Enter")
    status = root.locator(".widget-html-content").first
    old_src, old_status = figure(root).get_attribute("src"), status.inner_text()
    root.locator("button", has_text="Train").first.click()
    wait_text(status, f"text !== {json.dumps(old_status)} && text.startsWith('epoch')")
    root.locator("button", has_text="Train").first.wait_for()
    page.wait_for_function("el => !el.disabled", arg=root.locator("button", has_text="Train").first.element_handle(),
                           timeout=UPDATE_TIMEOUT_MS)
    wait_figure_replaced(root, old_src)
    bar = root.locator(".widget-hprogress .progress-bar").first
    page.wait_for_function("el => el.style.width === '100%'", arg=bar.element_handle(), timeout=UPDATE_TIMEOUT_MS)


def check_trajectory_viewer(page, root):
    wait_figure_loaded(root)
    boxes = root.locator("input[type=text]")
    summary = root.locator(".widget-html-content").filter(has_text="P(positive)").first
    old_src, old_summary = figure(root).get_attribute("src"), summary.inner_text()
    boxes.nth(1).fill("i am not good right now")
    start = time.perf_counter()
    boxes.nth(1).press("Enter")
    wait_figure_replaced(root, old_src)
    ROUND_TRIPS_MS["TrajectoryViewer: Enter -> new figure shown"] = 1000 * (time.perf_counter() - start)
    wait_text(summary, f"text !== {json.dumps(old_summary)} && text.includes('i am not good right now')")
    old_src = figure(root).get_attribute("src")
    boxes.nth(0).fill(f"i am {UNKNOWN_WORD}")
    boxes.nth(0).press("Enter")
    message = root.locator(".rnn-message")
    message.wait_for()
    text = message.inner_text()
    assert text.startswith("Phrase 1:") and f"“{UNKNOWN_WORD}” is not a word this network knows" in text, text
    assert "Traceback" not in root.inner_text()
    assert figure(root).get_attribute("src") == old_src  # the picture stays as it was
    boxes.nth(0).fill("i am happy")  # and a good phrase clears the message
    boxes.nth(0).press("Enter")
    message.wait_for(state="detached")
    wait_figure_replaced(root, old_src)


def check_gate_stepper(page, root):
    wait_figure_loaded(root)
    readout = slider(root).locator(".widget-readout")
    wait_text(readout, "/^\\s*\\d+\\s*$/.test(text)")
    handle = slider(root).locator(".noUi-handle")
    handle.focus()
    page.keyboard.press("Home")  # t = 0 (the harness starts there; a notebook may not)
    wait_text(readout, "text.trim() === '0'")
    page.wait_for_timeout(300)  # let a redraw for t = 0 arrive before reading the picture
    ROUND_TRIPS_MS["GateStepper: ArrowRight -> new figure shown"] = press_and_wait(page, root, readout, "ArrowRight", 1)
    wait_text(root.locator("mark.rnn-current-word"), "text === 'i'")
    box = root.locator("input[type=text]").first
    old_src = figure(root).get_attribute("src")
    box.fill(f"i am {UNKNOWN_WORD}")
    box.press("Enter")
    message = root.locator(".rnn-message")
    message.wait_for()
    assert f"“{UNKNOWN_WORD}” is not a word this network knows" in message.inner_text(), message.inner_text()
    assert figure(root).get_attribute("src") == old_src
    box.fill("this was not bad earlier")
    box.press("Enter")
    message.wait_for(state="detached")
    wait_figure_replaced(root, old_src)


def check_name_sampler(page, root):
    wait_figure_loaded(root)
    seed = root.locator("input[type=number]").first
    wait_inside(root, ".rnn-names", "text.trim().length > 0")
    old_names, old_seed = root.locator(".rnn-names").text_content(), int(seed.input_value())
    start = time.perf_counter()
    root.locator("button", has_text="Sample").first.click()
    wait_inside(root, ".rnn-names", f"text !== {json.dumps(old_names)}")
    ROUND_TRIPS_MS["NameSampler: Sample -> new names shown"] = 1000 * (time.perf_counter() - start)
    page.wait_for_function("([el, s]) => el.value === s", arg=[seed.element_handle(), str(old_seed + 1)],
                           timeout=UPDATE_TIMEOUT_MS)
    wait_inside(root, ".rnn-names-summary", f"text.includes('seed {old_seed + 1}') && text.includes('new')")
    # the temperature: a step left on its slider redraws the names and the first character's bars
    readout = slider(root).locator(".widget-readout")
    old_src, old_names = figure(root).get_attribute("src"), root.locator(".rnn-names").text_content()
    slider(root).locator(".noUi-handle").focus()
    start = time.perf_counter()
    for _ in range(10):  # 10 steps of 0.05 on the log scale: temperature 1 -> 0.32
        page.keyboard.press("ArrowLeft")
    wait_text(readout, "text.trim() === '0.32'")
    wait_figure_replaced(root, old_src)
    wait_inside(root, ".rnn-names-summary", "text.includes('temperature 0.32')")
    ROUND_TRIPS_MS["NameSampler: ArrowLeft x10 -> new figure shown"] = 1000 * (time.perf_counter() - start)
    assert root.locator(".rnn-names").text_content() != old_names
    assert "Traceback" not in root.inner_text()


def check_next_char_explorer(page, root):
    wait_figure_loaded(root)
    box = root.locator("input[type=text]").first
    readout = slider(root).locator(".widget-readout")
    old_src = figure(root).get_attribute("src")
    box.fill("mar")
    start = time.perf_counter()
    box.press("Enter")
    wait_figure_replaced(root, old_src)
    ROUND_TRIPS_MS["NextCharExplorer: Enter -> new figure shown"] = 1000 * (time.perf_counter() - start)
    wait_inside(root, ".rnn-next-char-readout", "text.startsWith('t = 4 of 4: read .mar')")
    wait_text(readout, "text.trim() === '4'")
    handle = slider(root).locator(".noUi-handle")
    handle.focus()
    press_and_wait(page, root, readout, "Home", 1)
    wait_inside(root, ".rnn-next-char-readout", "text.startsWith('t = 1 of 4: read .;')")
    ROUND_TRIPS_MS["NextCharExplorer: ArrowRight -> new figure shown"] = press_and_wait(page, root, readout, "ArrowRight", 2)
    wait_inside(root, ".rnn-next-char-readout", "text.startsWith('t = 2 of 4: read .m;') && text.includes('goes on with “a”')")
    box.fill(f"ma{BAD_PREFIX_CHARACTER}")
    box.press("Enter")
    message = root.locator(".rnn-message")
    message.wait_for()
    text = message.inner_text()
    assert f"“{BAD_PREFIX_CHARACTER}” is not a character this model reads" in text, text
    assert "abcdefghijklmnopqrstuvwxyz" in text, text  # the alphabet is listed
    assert "Traceback" not in root.inner_text() and "Error" not in root.inner_text()
    assert not figure(root).is_visible()
    box.fill("jon")  # and back: the plot returns
    box.press("Enter")
    message.wait_for(state="detached")
    figure(root).wait_for(state="visible")
    wait_inside(root, ".rnn-next-char-readout", "text.startsWith('t = 4 of 4: read .jon')")


def check_attention_explorer(page, root):
    wait_figure_loaded(root)
    wait_inside(root, ".rnn-attention-readout", "text.startsWith('t = 6 of 10: writes')")
    box = root.locator("input[type=text]").first
    readout = slider(root).locator(".widget-readout")
    old_src = figure(root).get_attribute("src")
    box.fill("1 May 2001")
    start = time.perf_counter()
    box.press("Enter")
    wait_figure_replaced(root, old_src)
    ROUND_TRIPS_MS["AttentionExplorer: Enter -> new figure shown"] = 1000 * (time.perf_counter() - start)
    wait_inside(root, ".rnn-attention-readout", "text.startsWith('t = 10 of 10: writes')")
    wait_text(readout, "text.trim() === '10'")
    slider(root).locator(".noUi-handle").focus()
    press_and_wait(page, root, readout, "Home", 1)
    wait_inside(root, ".rnn-attention-readout", "text.startsWith('t = 1 of 10: writes')")
    ROUND_TRIPS_MS["AttentionExplorer: ArrowRight -> new figure shown"] = press_and_wait(page, root, readout, "ArrowRight", 2)
    wait_inside(root, ".rnn-attention-readout", "text.startsWith('t = 2 of 10: writes')")
    old_src = figure(root).get_attribute("src")
    box.fill("3 июля 2021")
    box.press("Enter")
    message = root.locator(".rnn-message")
    message.wait_for()
    text = message.inner_text()
    assert "are not characters the model read in training" in text and "“и”" in text, text
    assert "Traceback" not in root.inner_text() and "Error" not in root.inner_text()
    assert not figure(root).is_visible()
    box.fill("2 june 1999")
    box.press("Enter")
    message.wait_for(state="detached")
    figure(root).wait_for(state="visible")
    wait_figure_replaced(root, old_src)  # the new date's picture, not the one from before the error
    wait_inside(root, ".rnn-attention-readout", "text.startsWith('t = 10 of 10: writes')")


CHECKS = {
    "TimeStepper": check_time_stepper,
    "PhraseExplorer": check_phrase_explorer,
    "GradientViewer": check_gradient_viewer,
    "LiveTrainer": check_live_trainer,
    "TrajectoryViewer": check_trajectory_viewer,
    "GateStepper": check_gate_stepper,
    "NameSampler": check_name_sampler,
    "NextCharExplorer": check_next_char_explorer,
    "AttentionExplorer": check_attention_explorer,
}


def test_the_course_notebooks_build_their_widgets():
    """Without this, a notebook that lost its widgets, or a widget without a harness, would silently
    drop out of the browser tests."""
    built = {path.name[:2]: widgets_built_in(path) for path in course_notebooks()}
    assert built.get("02") == ["TimeStepper"]
    assert built.get("03") == ["GradientViewer"]
    assert set(built.get("04", [])) == {"TimeStepper", "PhraseExplorer", "LiveTrainer"}
    assert built.get("05") == ["TrajectoryViewer"]
    assert built.get("06") == ["NameSampler", "NextCharExplorer"]
    assert built.get("07") == ["GateStepper"]
    assert built.get("09") == ["AttentionExplorer"]
    imported = set().union(*(widgets_imported_in(p) for p in course_notebooks()))
    assert imported >= {"TimeStepper", "PhraseExplorer", "GradientViewer", "LiveTrainer"}, imported
    missing = imported - set(HARNESS)
    assert not missing, f"widgets the notebooks use without a harness cell and a browser check: {missing}"
    assert set(HARNESS) == set(CHECKS) == set(WIDGET_CLASSES)
    if not os.environ.get("RNN_BROWSER_NOTEBOOKS"):
        assert [p.name[:2] for p in NOTEBOOKS] == ["04"], "the course notebook run top to bottom in the browser"
