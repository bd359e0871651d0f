"""docs/ARCHITECTURE.md and the README's library table name only what exists, where it is.

The architecture page promises that a newcomer finds any function by guessing its file. When modules are
split, renamed or moved, a page written by hand keeps the old names; these tests read the page and check it
against the package:

* the picture: every word on it is a module (or package) of ``rnn_lib``, every name in parentheses after a
  module is in that module, and no module imports one drawn on its own line or above it;
* the paragraphs: every module named in bold (**`x.py`**, **`pkg/`**) exists, every backticked name in its
  paragraph is in it (an attribute of the module or of a class it defines; a dotted name such as
  ``losses.softmax`` is looked up from ``rnn_lib``), and every module of ``rnn_lib`` has a paragraph (a
  package's modules are named in the package's);
* the README's library table names only modules that exist.
"""

import ast
import importlib
import inspect
import re
from pathlib import Path

import rnn_lib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(rnn_lib.__file__).resolve().parent
PAGE = ROOT / "docs" / "ARCHITECTURE.md"
README = ROOT / "README.md"
#: The paragraphs' section of the page.
PARAGRAPHS = "## One paragraph per module"
#: The picture's words that are not modules (the course's notebooks, ``python -m rnn_lib``), even where a
#: module has the same name.
PICTURE_WORDS = {"notebooks", "python", "rnn_lib"}

BOLD = re.compile(r"\*\*`([\w./]+)`\*\*")
TICKS = re.compile(r"`([^`]+)`")
IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
CALL = re.compile(r"([A-Za-z_][\w.]*)\(.*\)")


# --- the package ---------------------------------------------------------------------------------
def is_package(name):
    """``name``: a path inside rnn_lib without suffix, e.g. ``"data"``."""
    return (PACKAGE / name / "__init__.py").is_file()


def module_file(name):
    """The file of ``name`` (``"cells"``, ``"data"``, ``"data/names"``), or None."""
    path = PACKAGE / name / "__init__.py" if is_package(name) else PACKAGE / f"{name}.py"
    return path if path.is_file() else None


def load(name):
    """Import ``name`` (``"data/names"`` is ``rnn_lib.data.names``); ``__main__`` is never run."""
    assert not name.endswith("__main__"), "importing __main__ would run the command line"
    return importlib.import_module("rnn_lib." + name.replace("/", "."))


def unit(dotted):
    """The picture's name of a module: ``rnn_lib.cells`` -> ``cells``, ``rnn_lib.data.names`` -> ``data/``."""
    parts = dotted.split(".")[1:]
    if not parts:
        return None
    return parts[0] + "/" if is_package(parts[0]) else parts[0]


def own_names(module):
    """What ``module`` defines beyond its attributes: its classes' attributes set in methods
    (``self.count = ...``) and the strings of its constant tables (``PARAM_NAMES = ("Wxh", ...)``)."""
    names = set()
    tree = ast.parse(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and \
                isinstance(node.value, ast.Name) and node.value.id == "self":
            names.add(node.attr)
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Tuple, ast.List, ast.Set)):
            names.update(e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return names


def is_module_name(name, module):
    """Whether ``name`` is a module of rnn_lib, or of the package ``module`` is in (or is)."""
    package = module.__name__.split(".")[1:]
    if not hasattr(module, "__path__"):
        package = package[:-1]
    return any(module_file("/".join(p + [name])) is not None for p in (package, []))


def attribute_path(obj, parts):
    """Follow ``parts`` from ``obj``, importing a package's modules on the way; None where one is missing."""
    for part in parts:
        if not hasattr(obj, part) and inspect.ismodule(obj) and hasattr(obj, "__path__"):
            inner = obj.__name__.split(".")[1:] + [part]
            if module_file("/".join(inner)) is None or part == "__main__":
                return None
            obj = load("/".join(inner))
            continue
        if not hasattr(obj, part):
            return None
        obj = getattr(obj, part)
    return obj


def found_in(name, module):
    """Whether ``name`` is ``module``'s: ``sample`` (a method of a class it defines), ``count`` (set in one),
    ``Wxh`` (a string of one of its tables), ``checks`` (a module), or a dotted name found from ``module``
    or else from ``rnn_lib`` (``RNN.batch_loss``, ``losses.softmax``, ``rnn_lib.plots``)."""
    parts = name.split(".")
    if len(parts) == 1:
        classes = [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]
        return (hasattr(module, name) or any(hasattr(c, name) for c in classes) or name in own_names(module)
                or is_module_name(name, module))
    if parts[0] == "rnn_lib":
        parts = parts[1:]
    return any(attribute_path(start, parts) is not None for start in (module, rnn_lib))


def code_names(snippet):
    """The names a backticked snippet refers to: ``x``, ``a.b``, the callee of ``f(...)``; [] for the rest."""
    snippet = snippet.strip()
    call = CALL.fullmatch(snippet)
    if call:
        snippet = call.group(1)
    if IDENTIFIER.fullmatch(snippet) or DOTTED.fullmatch(snippet):
        return [snippet]
    return []


def rnn_lib_modules():
    """Every module of the package, as ``"cells"``, ``"data"`` (a package), ``"data/names"``; no ``__init__``."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        if rel.parts[-1] == "__init__":
            rel = rel.parent
        if rel.parts:
            names.add("/".join(rel.parts))
    return sorted(names)


# --- the page's picture --------------------------------------------------------------------------
def picture(text):
    """The first code block of the page: ``[(line number, line)]``."""
    lines = text.splitlines()
    start = lines.index("```") + 1
    end = lines.index("```", start)
    return [(i + 1, lines[i]) for i in range(start, end)]


def without_parentheses(line):
    """``line`` with every (...) removed, and ``[(word before it, what was inside)]``."""
    inside = []
    while True:
        m = re.search(r"([\w/]*)\s*\(([^()]*)\)", line)
        if not m:
            return line, inside
        inside.append((m.group(1), m.group(2)))
        line = line[:m.start()] + m.group(1) + line[m.end():]


def picture_problems(text, imports):
    """What the picture gets wrong: unknown words, names not in their module, and imports that go up.

    ``imports``: ``{module unit: set of units it imports}``, units as the picture writes them.
    """
    problems, row_of = [], {}
    for row, (number, line) in enumerate(picture(text)):
        line = line.split("<-")[0]
        line, inside = without_parentheses(line)
        for word in re.split(r"[\s,;|\\]+|->", line):
            if not re.fullmatch(r"[A-Za-z_]\w*/?", word) or word in PICTURE_WORDS:
                continue  # a connector, a number, an option, the notebooks
            name = word.rstrip("/")
            if module_file(name) is None or word.endswith("/") != is_package(name):
                problems.append(f"line {number}: {word!r} is not a module of rnn_lib")
                continue
            if word in row_of:
                problems.append(f"line {number}: {word!r} is drawn twice")
            row_of[word] = (row, number)
        for owner, names in inside:
            module = rnn_lib if owner == "rnn_lib" else (load(owner.rstrip("/")) if module_file(owner.rstrip("/"))
                                                         else None)
            if module is None:
                continue
            for chunk in re.split(r"[,;/]", names):
                name = chunk.split(":")[0].strip()
                if IDENTIFIER.fullmatch(name) and not found_in(name, module):
                    problems.append(f"line {number}: {owner}'s {name!r} is not in it")
    for module, (row, number) in sorted(row_of.items()):
        for used in sorted(imports.get(module, ())):
            if used in row_of and row_of[used][0] <= row:
                problems.append(f"{module} (line {number}) imports {used}, drawn on line {row_of[used][1]}: "
                                "a module uses only the lines below its own")
    return problems


def units_imported():
    """``{unit: units it imports}`` from the package's real imports (as tests/test_architecture.py reads them)."""
    from test_architecture import import_graph  # noqa: PLC0415 (the tests' directory is on the path)
    graph = {}
    for module, uses in import_graph(PACKAGE).items():
        u = unit(module)
        if u is not None:
            graph.setdefault(u, set()).update(unit(m) for m in uses if unit(m) not in (None, u))
    return graph


# --- the page's paragraphs -----------------------------------------------------------------------
def bullets(text):
    """The paragraphs' bullets, each as one line."""
    section = text.split(PARAGRAPHS, 1)[1].split("\n## ", 1)[0]
    items = re.split(r"\n(?=- )", section.strip())
    return [" ".join(line.strip() for line in item.splitlines()) for item in items if item.startswith("- ")]


def side_by_side(bullet, first, second):
    """Whether two bold names share one text: nothing but "and" or a comma between them."""
    return re.fullmatch(r"[\s,]*(and)?[\s,]*", bullet[first.end():second.start()]) is not None


def paragraphs(text):
    """``[(bold names, modules, text)]``: each group of bold modules and the text that follows it, up to the
    next bold one; a module as ``"cells"``, ``"data"`` (a package) or ``"data/names"``.

    Bold names side by side (**`a.py`** and **`b.py`**: ...) share the text. Inside a package's bullet,
    **`x.py`** is the package's module when it has one (**`data/`** ... **`names.py`**).
    """
    found = []
    for bullet in bullets(text):
        marks = list(BOLD.finditer(bullet))
        package = None
        i = 0
        while i < len(marks):
            group = [marks[i]]
            while i + 1 < len(marks) and side_by_side(bullet, marks[i], marks[i + 1]):
                i += 1
                group.append(marks[i])
            modules = []
            for m in group:
                name = m.group(1)
                bare = name[:-1] if name.endswith("/") else name.removesuffix(".py")
                inner = f"{package}/{bare}" if package else None
                modules.append(inner if inner and module_file(inner) else bare)
                if name.endswith("/"):
                    package = bare
            end = marks[i + 1].start() if i + 1 < len(marks) else len(bullet)
            found.append(([m.group(1) for m in group], modules, bullet[group[-1].end():end]))
            i += 1
    return found


def paragraph_problems(text):
    problems = []
    for marks, modules, body in paragraphs(text):
        missing = [mark for mark, name in zip(marks, modules)
                   if module_file(name) is None or mark.endswith("/") != is_package(name)]
        if missing:
            problems.append(f"{', '.join(missing)}: no such module in rnn_lib")
            continue
        # __main__ would run the command line if imported: its names are looked up from rnn_lib
        loaded = [rnn_lib if name == "__main__" else load(name) for name in modules]
        for snippet in TICKS.findall(body):
            if re.fullmatch(r"[\w/]+\.(py|json)", snippet):  # a file: _core.py, plots/attention.py, sentiment.json
                owners = [n if is_package(n) else n.rpartition("/")[0] for n in modules]
                if not any((PACKAGE / o / snippet).is_file() for o in owners + [""]):
                    problems.append(f"{', '.join(marks)}: no file {snippet}")
                continue
            for name in code_names(snippet):
                if not any(found_in(name, module) for module in loaded):
                    problems.append(f"{', '.join(marks)}: `{snippet}` is not in {' or '.join(modules)}")
    return problems


def unnamed_modules(text):
    """Every module of rnn_lib the page leaves out: a module needs a bold paragraph, a package's module a
    mention in its package's paragraph."""
    groups = paragraphs(text)
    bold = {name for _, modules, _ in groups for name in modules}
    package_text = {}
    for _, modules, body in groups:
        for name in modules:
            if is_package(name):
                package_text[name] = body
    missing = []
    for name in rnn_lib_modules():
        package, _, stem = name.rpartition("/")
        if not package:
            if name not in bold:
                missing.append(name + ("/" if is_package(name) else ".py"))
        elif name not in bold and not re.search(rf"`({re.escape(stem)}|{re.escape(stem)}\.py|{re.escape(name)}\.py)`",
                                                package_text.get(package, "")):
            missing.append(name + ".py")
    return missing


# --- the README ----------------------------------------------------------------------------------
def readme_table_modules(text):
    """The modules in the first column of the README's library table (after "One module a job")."""
    table = text.split("One module a job", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in TICKS.findall(row.split("|")[1])]


# --- the tests -----------------------------------------------------------------------------------
def test_the_picture_draws_only_modules_each_above_what_it_uses():
    problems = picture_problems(PAGE.read_text(encoding="utf-8"), units_imported())
    assert not problems, "docs/ARCHITECTURE.md's picture:\n" + "\n".join(problems)


def test_every_module_in_bold_exists_and_its_paragraph_names_only_what_it_holds():
    problems = paragraph_problems(PAGE.read_text(encoding="utf-8"))
    assert not problems, "docs/ARCHITECTURE.md:\n" + "\n".join(problems)


def test_every_module_of_rnn_lib_has_its_paragraph():
    missing = unnamed_modules(PAGE.read_text(encoding="utf-8"))
    assert not missing, f"docs/ARCHITECTURE.md names nowhere: {', '.join(missing)}"


def test_the_readmes_library_table_names_only_modules_that_exist():
    names = readme_table_modules(README.read_text(encoding="utf-8"))
    assert len(names) > 20  # the table was found
    assert [n for n in names if module_file(n.rstrip("/")) is None] == []


# --- the checks find stale names -----------------------------------------------------------------
def test_a_stale_or_moved_name_on_the_page_is_found():
    page = PAGE.read_text(encoding="utf-8")
    assert "**`kernels.py`**: `VanillaKernel`" in page and "**`lm.py`**" in page
    renamed = page.replace("**`kernels.py`**: `VanillaKernel`", "**`fast.py`**: `VanillaKernel`")
    assert paragraph_problems(renamed) == ["fast.py: no such module in rnn_lib"]
    assert unnamed_modules(renamed) == ["kernels.py"]
    moved = page.replace("**`lm.py`**: the character language model `CharLM`,",
                         "**`lm.py`**: the character language model `CharLM`, `train_lm`,")
    assert paragraph_problems(moved) == ["lm.py: `train_lm` is not in lm"]


def test_an_import_that_goes_up_the_picture_is_found():
    page = PAGE.read_text(encoding="utf-8")
    imports = units_imported()
    assert picture_problems(page, imports) == []
    imports["checks"] = {"training"}
    assert picture_problems(page, imports)[-1].startswith("checks (line")
    assert "'fast' is not a module" in " ".join(picture_problems(page.replace(" kernels (", " fast ("), {}))


def test_a_stale_module_in_the_readmes_table_is_found():
    text = README.read_text(encoding="utf-8")
    assert "| `batching`, `kernels` |" in text
    names = readme_table_modules(text.replace("| `batching`, `kernels` |", "| `batching`, `fast` |"))
    assert [n for n in names if module_file(n.rstrip("/")) is None] == ["fast"]


def test_the_page_is_read_as_written():
    """Two bold names side by side share their text; inside a package's bullet a bold file is the package's."""
    page = ("## One paragraph per module\n\n"
            "- **`serialization.py`** and **`files.py`**: `save`, `check_writable`, `SaveError`.\n"
            "- **`data/`**: the data sets, `load_dataset`. **`names.py`**: `load_names`, `make_dates`.\n"
            "  **`__main__.py`**: runs `cli.main`, not `cli.fast_main`.\n")
    assert [(marks, modules) for marks, modules, _ in paragraphs(page)] == [
        (["serialization.py", "files.py"], ["serialization", "files"]), (["data/"], ["data"]),
        (["names.py"], ["data/names"]), (["__main__.py"], ["__main__"])]
    assert paragraph_problems(page) == ["names.py: `make_dates` is not in data/names",
                                        "__main__.py: `cli.fast_main` is not in __main__"]
