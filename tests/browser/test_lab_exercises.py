"""An exercise in a student notebook, in JupyterLab in a real browser (Debian's Chromium, Playwright).

Make the student version of notebook 03, open it in a JupyterLab of its own and run all cells (every
check says "not written yet", no error). Then, as a learner would: type a right BPTT loop into the
exercise cell, run it and its check cell, and see the ✅ line; type the classic article's version
(no transpose) and see the ❌ hint; restore the stub and see ⏳ again.
"""

from pathlib import Path

import pytest
from test_lab_widgets import ARTIFACTS, UPDATE_TIMEOUT_MS, check_outputs, open_and_run_all

from rnn_lib import student

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "03_loss_and_gradients.ipynb"

RIGHT = '''def bptt(model, xs, hs, d_y):
    grads = {"Why": d_y @ hs[-1].T, "by": d_y.copy()}
    grads.update({n: np.zeros_like(model.params[n]) for n in ("Wxh", "Whh", "bh")})
    d_h = model.Why.T @ d_y
    d_hs = [d_h]
    for t in range(len(xs), 0, -1):
        d_a = (1 - hs[t] ** 2) * d_h
        grads["Wxh"] += d_a @ xs[t - 1].T
        grads["Whh"] += d_a @ hs[t - 1].T
        grads["bh"] += d_a
        d_h = model.Whh.T @ d_a
        d_hs.append(d_h)
    return grads, np.array(d_hs[::-1])
'''
ARTICLE = RIGHT.replace("d_h = model.Whh.T @ d_a", "d_h = model.Whh @ d_a")  # the article's line

CELLS = "window.jupyterapp.shell.currentWidget.content"
#: What a check line adds until the learner's function passes.
BELOW = "(the cells below use rnn_lib's version until this passes)"


def cell_index(page, prefix):
    """Index of the first cell whose source starts with ``prefix``."""
    index = page.evaluate(f"p => {CELLS}.model.toJSON().cells.findIndex(c => "
                          "(Array.isArray(c.source) ? c.source.join('') : c.source).startsWith(p))", prefix)
    assert index >= 0, f"no cell starting with {prefix!r}"
    return index


def type_into(page, index, text):
    """Click into cell ``index``'s editor, select everything and type ``text`` over it."""
    editor = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)  # one input event: no auto-indentation of the pasted lines
    source = page.evaluate(f"i => {CELLS}.model.toJSON().cells[i].source", index)
    assert ("".join(source) if isinstance(source, list) else source) == text


def run_cells(page, *indices):
    """Run the cells one after another (as Shift+Enter on each), waiting for the kernel after each."""
    for index in indices:
        count = page.evaluate(f"i => {CELLS}.model.toJSON().cells[i].execution_count", index)
        page.evaluate(f"i => {{ {CELLS}.activeCellIndex = i; "
                      "window.jupyterapp.commands.execute('notebook:run-cell'); }", index)
        page.wait_for_function(
            f"([i, old]) => {{ const c = {CELLS}.model.toJSON().cells[i]; "
            "return c.execution_count !== null && c.execution_count !== old && "
            "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'; }",
            arg=[index, count], timeout=UPDATE_TIMEOUT_MS, polling=200)


def shown(page, index):
    """The one line cell ``index`` shows: its stored output, and the same text on the page."""
    outputs = page.evaluate(f"i => {CELLS}.model.toJSON().cells[i].outputs", index)
    texts = [out.get("data", {}).get("text/plain") or out.get("text") for out in outputs]
    texts = ["".join(t) if isinstance(t, list) else t for t in texts if t]
    assert len(texts) == 1, outputs
    line = texts[0].strip()
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.scroll_into_view_if_needed()
    area = cell.locator(".jp-OutputArea-output")
    area.first.wait_for(state="visible")
    page.wait_for_function("([el, line]) => el.innerText.trim() === line", arg=[area.first.element_handle(), line],
                           timeout=UPDATE_TIMEOUT_MS)
    return line


@pytest.mark.browser
def test_a_learner_writes_bptt_in_the_student_notebook(tmp_path, lab, browser_page):
    page, problems = browser_page
    (path,) = [p for p in student.make_student_versions(NOTEBOOK.parent, tmp_path / "student")
               if p.name == NOTEBOOK.name]
    server, served = lab(path)
    open_and_run_all(page, server, served)
    check_outputs(page, served)
    exercise = cell_index(page, "def bptt(model, xs, hs, d_y):")
    check = cell_index(page, "check_bptt(bptt)")
    assert check == exercise + 1
    assert shown(page, check) == f"⏳ bptt: not written yet {BELOW}"
    stub = page.evaluate(f"i => {CELLS}.model.toJSON().cells[i].source", exercise)

    type_into(page, exercise, RIGHT)
    run_cells(page, exercise, check)
    assert shown(page, check) == "✅ bptt: all 6 checks passed"

    type_into(page, exercise, ARTICLE)
    run_cells(page, exercise, check)
    assert shown(page, check) == ("❌ bptt: dL/dWhh wrong when Whh is not symmetric — is the hidden gradient "
                                  f"passed back through Whh.T? {BELOW}")

    type_into(page, exercise, "".join(stub) if isinstance(stub, list) else stub)
    run_cells(page, exercise, check)
    assert shown(page, check) == f"⏳ bptt: not written yet {BELOW}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "student-03-exercise.png"), full_page=False)
    assert not problems, "\n".join(problems)
