"""Heatmaps of the hidden states over time, of one phrase or of several side by side."""

import numpy as np

from .style import HIDDEN_CMAP, HIDDEN_LIMITS, _axes, _check_words, time_labels


def plot_hidden_states(ax, hs, words, t=None, colorbar=True, title=None, mark_rows=None):
    """Heatmap of hidden states over time: one column ``h_t`` per word.

    Args:
        ax: matplotlib Axes, or None for a new figure.
        hs: (T, H) or (T, H, 1) hidden states h_1..h_T (pass ``model.last_hs[1:]``
            to leave out h_0). Drawn as an (H, T) image: column t is ``h_t``,
            row j is hidden unit j, colours ``RdBu_r`` fixed to [-1, 1].
        words: the T words (time-axis labels).
        t: optional step in 0..T: only columns 1..t are coloured, the later
            ones are left blank (grey), so a figure keeps its size while a
            widget steps through time.
        colorbar: add a colour bar labelled with the value of ``h_t``.
        title: the title; a default otherwise.
        mark_rows: optional hidden units j (rows) to mark, e.g. those the text
            asks the reader to find: a black triangle points at each from both
            sides of the panel and its number is a bold tick on the unit axis.
    Returns:
        The Axes; ``ax.images[-1].get_array()`` holds ``hs`` transposed, (H, T),
        masked after column t; each marked row j has a line with ``gid``
        "mark-row-j" at y = j (its markers are the next two lines).
    """
    import matplotlib

    hs = np.asarray(hs, dtype=np.float64)
    if hs.ndim == 3 and hs.shape[2] == 1:
        hs = hs[:, :, 0]
    words = _check_words(words)
    if hs.ndim != 2:
        raise ValueError(f"hs must have shape (T, H) or (T, H, 1), got {hs.shape}")
    T, H = hs.shape
    if T != len(words):
        raise ValueError(f"hs has {T} time steps but there are {len(words)} words "
                         f"(model.last_hs includes h_0: pass model.last_hs[1:])")
    if t is not None and not (isinstance(t, (int, np.integer)) and 0 <= t <= T):
        raise ValueError(f"t must be a time step in 0..{T}, got {t!r}")
    image = np.ma.masked_array(hs.T, mask=np.zeros((H, T), dtype=bool))
    if t is not None:
        image.mask[:, t:] = True
    ax = _axes(ax, figsize=(1.5 + 0.8 * T, 5.5))
    cmap = matplotlib.colormaps[HIDDEN_CMAP].with_extremes(bad="0.85")
    im = ax.imshow(image, cmap=cmap, vmin=HIDDEN_LIMITS[0], vmax=HIDDEN_LIMITS[1], aspect="auto",
                   interpolation="nearest")
    ax.set_xticks(range(T), time_labels(words))
    ax.set_xlabel("time step t (word)")
    ax.set_ylabel("hidden unit j")
    ax.set_title(title or f"hidden states $h_t$ ({H} units)")
    if mark_rows is not None:
        _mark_rows(ax, mark_rows, H, T)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, label="$h_t[j]$")
    return ax


def _check_rows(rows, H):
    """``rows`` as a sorted list of distinct unit indices in 0..H-1, with a clear error otherwise."""
    if isinstance(rows, (int, np.integer)):
        rows = [rows]
    rows = list(rows)
    for j in rows:
        if isinstance(j, (bool, np.bool_)) or not isinstance(j, (int, np.integer)) or not 0 <= j < H:
            raise ValueError(f"mark_rows must hold hidden units j in 0..{H - 1}, got {j!r}")
    return sorted({int(j) for j in rows})


def _mark_rows(ax, rows, H, T):
    """Point at rows ``rows`` of an (H, T) heatmap from both sides and number them in bold on the unit axis.

    The triangles sit outside the image, so the marked rows keep their colours;
    the usual ticks (0, 20, 40, ...) stay where they do not crowd a marked row.
    """
    from matplotlib.transforms import blended_transform_factory

    rows = _check_rows(rows, H)
    beside = blended_transform_factory(ax.transAxes, ax.transData)  # x in axes fractions, y in rows
    for j in rows:
        ax.plot([0.0, 1.0], [j, j], ls="none", transform=beside, clip_on=False, gid=f"mark-row-{j}",
                marker="none", color="black")
        ax.plot([-0.01], [j], marker=">", ms=7, color="black", transform=beside, clip_on=False)
        ax.plot([1.01], [j], marker="<", ms=7, color="black", transform=beside, clip_on=False)
    step = 20 if H > 40 else 10 if H > 15 else 5
    plain = [j for j in range(0, H, step) if all(abs(j - r) >= 0.06 * H for r in rows)]
    ticks = sorted(plain + rows)
    ax.set_yticks(ticks)
    for label, j in zip(ax.get_yticklabels(), ticks):
        if j in rows:
            label.set_fontweight("bold")


def plot_hidden_state_comparison(axes, hs_list, words_list, titles=None, mark_rows=None):
    """Hidden-state heatmaps of several phrases side by side, on one shared colour bar.

    Each panel is ``plot_hidden_states`` of one phrase (columns ``h_1..h_T``,
    ``RdBu_r`` fixed to [-1, 1], so equal colours are equal values across the
    panels); the unit rows line up, so unit j can be followed from one phrase
    to the other.

    Args:
        axes: a sequence of Axes, one per phrase, or None for a new figure whose
            panel widths follow the phrases' lengths.
        hs_list: one (T_i, H) or (T_i, H, 1) array per phrase (``model.last_hs[1:]``).
        words_list: one list of T_i words per phrase.
        titles: optional titles, one per phrase; the phrase in quotes otherwise.
        mark_rows: optional hidden units j to mark in every panel (pointed at
            from both sides, numbered in bold on the unit axis), e.g. the units
            the text discusses.
    Returns:
        The list of Axes, one per phrase.
    """
    hs_list, words_list = list(hs_list), [_check_words(w) for w in words_list]
    if not hs_list or len(hs_list) != len(words_list):
        raise ValueError(f"give one hs per phrase: {len(hs_list)} hs for {len(words_list)} word lists")
    titles = [f'"{" ".join(w)}"' for w in words_list] if titles is None else list(titles)
    if len(titles) != len(hs_list):
        raise ValueError(f"{len(titles)} titles for {len(hs_list)} phrases")
    if axes is None:
        import matplotlib.pyplot as plt

        widths = [len(w) + 2 for w in words_list]
        _, axes = plt.subplots(1, len(hs_list), figsize=(1.5 + 0.9 * sum(widths), 5.5),
                               width_ratios=widths, squeeze=False, layout="constrained")
        axes = axes[0]
    axes = list(axes)
    if len(axes) != len(hs_list):
        raise ValueError(f"{len(axes)} axes for {len(hs_list)} phrases")
    for ax, hs, words, title in zip(axes, hs_list, words_list, titles):
        plot_hidden_states(ax, hs, words, colorbar=False, title=title, mark_rows=mark_rows)
    axes[0].figure.colorbar(axes[0].images[-1], ax=axes, label="$h_t[j]$")
    return axes
