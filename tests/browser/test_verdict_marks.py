"""The exercises' verdict marks (✅ ❌ ⏳ ⏱ ⏹) render in colour in Chromium, as on a desktop, not as empty boxes.

They are emoji: without an emoji font (a minimal Linux, a container) Chromium draws an empty box or a
monochrome outline. Each mark is drawn on a canvas with the page's default sans-serif font and the test
counts coloured pixels (a colour emoji has many; a box or an outline has none). Where no emoji font is
installed the test is skipped with a line saying which package to install (with ``CI=true`` it fails:
``.ci/run`` installs ``fonts-noto-color-emoji``).
"""

import os

import pytest

from rnn_lib.exercises import CheckResult

MARKS = sorted(set(CheckResult.ICONS.values()))

COUNT_COLOURED = """mark => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 64;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = 'white';
    ctx.fillRect(0, 0, 64, 64);
    ctx.font = '40px sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillStyle = 'black';
    ctx.fillText(mark, 4, 8);
    const data = ctx.getImageData(0, 0, 64, 64).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 20) coloured += 1;  // grey text and boxes have r = g = b
    }
    return coloured;
}"""


def test_every_verdict_mark_is_drawn_in_colour(browser_page):
    page, problems = browser_page
    page.set_content("<html><body></body></html>")
    coloured = {mark: page.evaluate(COUNT_COLOURED, mark) for mark in MARKS}
    blank = [mark for mark, count in coloured.items() if count < 30]
    if blank:
        reason = (f"the verdict marks {' '.join(blank)} render without colour here (no emoji font): "
                  "install one, e.g. `apt-get install fonts-noto-color-emoji`")
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    assert not problems, problems
