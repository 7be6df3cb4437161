"""The docs run as written: every ```python and ```r block of README.md and of the Markdown files in docs/,
and every chunk of the vignettes, each in a fresh process started in a temporary directory outside the checkout,
with the environment a newcomer has (no TF_CPP_MIN_LOG_LEVEL, no PYTHONPATH).

What a block claims is checked, by two conventions the docs follow:

- A comment at the end of a line whose statement shows a value (a Python expression statement
  whose value is not None, an R expression whose value is visible) is that value: in Python its
  repr (``tuple(y.shape)  # (4, 8, 8, 36)``), in R what R prints, without the ``[1]`` index
  markers and with blanks collapsed (``dim(as.array(y))  # 4 8 8 36``). Comments on assignments
  and other statements that show nothing explain; they are not checked.
- Comment lines after a block's last statement that start with an error (``# ValueError: ...``,
  ``# Error in ...``) say that the last statement stops with exactly that error, as Python's
  traceback or R's prompt prints it (blanks collapsed, so R's line break does not matter); every
  statement before it must run.

Markdown blocks each run alone, since each is meant to be pasted alone; a vignette's R chunks run
one after the other in one R process, as knitr runs them, and each chunk is reported as a test.

Python blocks run with the Python running this test (the stack's venv). R blocks run with the
Rscript on PATH, the package found through R_LIBS, and RETICULATE_PYTHON; without it, this
Python. With KERASRBRIDGE_STACK set (every `make` test command), a missing piece fails the test;
in a developer's own run it skips.
"""

from __future__ import annotations

import ast
import functools
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from doc_blocks import Block, code_blocks

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
README = ROOT / "README.md"
VIGNETTE = ROOT / "vignettes" / "depthwise-convolution.Rmd"
# Every document whose blocks a reader may paste: the README, the Markdown files in docs/ (design,
# testing, scaling out) and the vignettes. A block moved between them stays tested.
MARKDOWN_DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
VIGNETTES = sorted((ROOT / "vignettes").glob("*.Rmd"))
DOCS = [*MARKDOWN_DOCS, *VIGNETTES]
STACK = os.environ.get("KERASRBRIDGE_STACK")
TIMEOUT = 900

# TensorFlow's start-up lines, which importing kerasr_bridge first keeps away; a
# block that imports keras or TensorFlow first prints them, twice.
START_UP_LINES = ("oneDNN custom operations are on", "This TensorFlow binary is optimized")

# The last line of a traceback: the exception's name (module-qualified unless a builtin) and a colon.
PYTHON_ERROR = re.compile(r"#\s*((\w+\.)+[A-Z]\w*|[A-Z]\w*(Error|Exception|Warning|Interrupt|Exit)):\s")
R_ERROR = re.compile(r"#\s*Error\b")


README_BLOCKS = code_blocks(README)
MARKDOWN_BLOCKS = [block for doc in MARKDOWN_DOCS for block in code_blocks(doc)]
VIGNETTE_BLOCKS = {vignette: code_blocks(vignette) for vignette in VIGNETTES}
VIGNETTE_PYTHON_BLOCKS = [b for blocks in VIGNETTE_BLOCKS.values() for b in blocks if b.language == "python"]
VIGNETTE_CHUNKS = {vignette: [b for b in blocks if b.language == "r"] for vignette, blocks in VIGNETTE_BLOCKS.items()}
# (vignette, index of the chunk among its R chunks) for every R chunk of every vignette.
CHUNK_CASES = [(vignette, index) for vignette, chunks in VIGNETTE_CHUNKS.items() for index in range(len(chunks))]


# -- what a block claims ---------------------------------------------------------------------------


@dataclass
class Comment:
    line: int
    text: str
    trailing: bool  # code before it on its line


def _python_comments(code: str) -> list[Comment]:
    lines = code.splitlines()
    comments = []
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type == tokenize.COMMENT:
            row, column = token.start
            comments.append(Comment(row, token.string, bool(lines[row - 1][:column].strip())))
    return comments


def _r_comments(code: str, parsed: list[dict[str, Any]]) -> list[Comment]:
    lines = code.splitlines()
    return [
        Comment(item["line1"], item["text"], bool(lines[item["line1"] - 1][: item["col1"] - 1].strip()))
        for item in parsed
    ]


def _blanks_collapsed(text: str) -> str:
    return " ".join(text.split())


def _r_printed(text: str) -> str:
    """What R printed, as a comment in the docs writes it: no `[1]` index markers, blanks collapsed."""
    return _blanks_collapsed(re.sub(r"(?m)^\s*\[\d+\]", "", text))


def _comment_text(comment: Comment) -> str:
    return comment.text.lstrip("#").strip()


def _check_claims(language: str, results: list[dict[str, Any]], comments: list[Comment], last_statement: int,
                  label: str, first_line: int = 1) -> None:
    """Hold what the statements showed (``results``, from a runner) against the comments of the block.

    ``last_statement`` is the last line of the block's last statement, run or not. ``first_line``
    is the line in the runner's file where this block's code starts (a vignette chunk runs in one
    file with the chunks before it); the lines in messages count from the block's start.
    """
    error_line = PYTHON_ERROR if language == "python" else R_ERROR
    expected_error_lines = [c for c in comments if not c.trailing and c.line > last_statement]
    expected_error = ""
    if expected_error_lines and error_line.match(expected_error_lines[0].text):
        expected_error = _blanks_collapsed(" ".join(_comment_text(c) for c in expected_error_lines))

    ran = results[-1] if results else None
    if expected_error:
        assert ran is not None and ran["error"] is not None, (
            f"{label}: the block shows the error {expected_error!r}, but its last statement raised nothing"
        )
        assert ran["last"] == last_statement, (
            f"{label}: stopped early, at line {ran['first'] - first_line + 1}: {ran['error']}"
        )
        assert _blanks_collapsed(ran["error"]) == expected_error, (
            f"{label}: the block shows\n  {expected_error}\nbut its last statement stopped with\n  {ran['error']}"
        )
    else:
        failed = [result for result in results if result["error"] is not None]
        assert not failed, f"{label}: line {failed[0]['first'] - first_line + 1} stopped with {failed[0]['error']}"

    trailing = {c.line: c for c in comments if c.trailing}
    for result in results:
        comment = trailing.get(result["last"])
        if comment is None or result["shown"] is None:
            continue  # a statement that shows nothing: its comment explains
        expected = _comment_text(comment)
        shown = result["shown"] if language == "python" else _r_printed(result["shown"])
        if language == "python":
            expected, shown = expected.strip(), shown.strip()
        else:
            expected = _blanks_collapsed(expected)
        line = result["last"] - first_line + 1
        assert shown == expected, f"{label}, line {line}: the comment says {expected!r}, the line shows {shown!r}"


# -- running blocks --------------------------------------------------------------------------------


def _newcomer_environment() -> dict[str, str]:
    """The environment of a newcomer's shell: this test's own quieting and paths left out."""
    dropped = {"TF_CPP_MIN_LOG_LEVEL", "PYTHONPATH", "PYTHONSTARTUP", "KERAS_BACKEND", "JAX_ENABLE_X64"}
    return {key: value for key, value in os.environ.items() if key not in dropped}


def _missing(what: str) -> None:
    """A missing piece: a failure where the stack promises it, a skip in a developer's own run."""
    if STACK:
        pytest.fail(f"{what} (KERASRBRIDGE_STACK={STACK} promises it)")
    pytest.skip(what)


@functools.cache
def _r_ready() -> str | None:
    """Why R blocks cannot run here, or None."""
    if shutil.which("Rscript") is None:
        return "Rscript is not on PATH"
    check = subprocess.run(
        ["Rscript", "-e", 'for (p in c("kerasrbridge", "jsonlite")) if (!requireNamespace(p, quietly = TRUE)) '
         'cat(p, "is not installed in R_LIBS", Sys.getenv("R_LIBS"), "\\n")'],
        capture_output=True, text=True, timeout=120, env=_newcomer_environment(),
    )
    return check.stdout.strip() or (check.stderr.strip() if check.returncode else None)


def _r_environment() -> dict[str, str]:
    env = _newcomer_environment()
    if "RETICULATE_PYTHON" not in env:
        if STACK:
            pytest.fail(f"RETICULATE_PYTHON is not set (KERASRBRIDGE_STACK={STACK} sets it)")
        env["RETICULATE_PYTHON"] = sys.executable
    return env


def _run(block_code: str, language: str, directory: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run ``block_code`` with the runner of its language in ``directory``; the process and what the runner wrote."""
    if language == "python":
        runner = directory / "run_python_block.py"
        shutil.copy(HERE / runner.name, runner)
        block = directory / "block.py"
        command = [sys.executable, runner.name, block.name, "results.json"]
        env = _newcomer_environment()
    else:
        reason = _r_ready()
        if reason:
            _missing(f"R blocks cannot run: {reason}")
        runner = directory / "run_r_block.R"
        shutil.copy(HERE / runner.name, runner)
        block = directory / "block.R"
        command = ["Rscript", runner.name, block.name, "results.json"]
        env = _r_environment()
    block.write_text(block_code, encoding="utf-8")
    done = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    results_file = directory / "results.json"
    assert results_file.is_file(), (
        f"the runner wrote no results (status {done.returncode})\nstdout:\n{done.stdout[-3000:]}\n"
        f"stderr:\n{done.stderr[-5000:]}"
    )
    results = json.loads(results_file.read_text(encoding="utf-8"))
    return done, results if isinstance(results, dict) else {"results": results}


def _check_start_up_lines(done: subprocess.CompletedProcess[str], label: str) -> None:
    shown = [line for line in START_UP_LINES if line in done.stderr]
    assert not shown, f"{label}: TensorFlow's start-up lines reached a newcomer's terminal:\n{done.stderr[-3000:]}"


def _run_and_check(block: Block, directory: Path) -> None:
    done, output = _run(block.code, block.language, directory)
    if block.language == "python":
        comments = _python_comments(block.code)
        last_statement = max((node.end_lineno or 0 for node in ast.parse(block.code).body), default=0)
    else:
        comments = _r_comments(block.code, output["comments"])
        last_statement = max(output["ends"], default=0)
    _check_claims(block.language, output["results"], comments, last_statement, block.id)
    _check_start_up_lines(done, block.id)


@pytest.mark.parametrize("block", MARKDOWN_BLOCKS, ids=[block.id for block in MARKDOWN_BLOCKS])
def test_markdown_block_runs_as_written(block, tmp_path):
    """Every ```python and ```r block of the README and of docs/*.md, alone."""
    _run_and_check(block, tmp_path)


@pytest.mark.parametrize("block", VIGNETTE_PYTHON_BLOCKS, ids=[b.id for b in VIGNETTE_PYTHON_BLOCKS])
def test_vignette_python_block_runs_as_written(block, tmp_path):
    _run_and_check(block, tmp_path)


@pytest.fixture(scope="module")
def vignette_runs(tmp_path_factory):
    """A function giving all of a vignette's R chunks run, in order, in one fresh R process (as knitr
    runs them); each vignette runs once."""
    runs: dict[Path, dict[str, Any]] = {}

    def run(vignette: Path) -> dict[str, Any]:
        if vignette not in runs:
            directory = tmp_path_factory.mktemp(vignette.stem)
            code, starts = "", []
            for chunk in VIGNETTE_CHUNKS[vignette]:
                starts.append(code.count("\n") + 1)
                code += chunk.code
            done, output = _run(code, "r", directory)
            runs[vignette] = {"done": done, "code": code, "starts": starts, **output}
        return runs[vignette]

    return run


@pytest.mark.parametrize(("vignette", "index"), CHUNK_CASES,
                         ids=[VIGNETTE_CHUNKS[vignette][index].id for vignette, index in CHUNK_CASES])
def test_vignette_chunk_runs_as_written(vignette, index, vignette_runs):
    chunk = VIGNETTE_CHUNKS[vignette][index]
    vignette_run = vignette_runs(vignette)
    first = vignette_run["starts"][index]
    last = first + chunk.code.count("\n") - 1
    results = [result for result in vignette_run["results"] if first <= result["first"] <= last]
    earlier = [r for r in vignette_run["results"] if r["first"] < first and r["error"] is not None]
    assert not earlier, f"{chunk.id} did not run: a chunk before it stopped with {earlier[0]['error']}"
    assert results or not chunk.code.strip(), f"{chunk.id} did not run"
    comments = [c for c in _r_comments(vignette_run["code"], vignette_run["comments"]) if first <= c.line <= last]
    last_statement = max((end for end in vignette_run["ends"] if first <= end <= last), default=0)
    _check_claims("r", results, comments, last_statement, chunk.id, first)
    if index == len(VIGNETTE_CHUNKS[vignette]) - 1:
        _check_start_up_lines(vignette_run["done"], f"the R chunks of {vignette.name}")


def test_every_doc_has_blocks_to_run():
    """The extraction itself: a fence this test does not recognise would leave a block unrun."""
    assert {b.language for b in README_BLOCKS} == {"python", "r"}
    assert len(VIGNETTE_CHUNKS[VIGNETTE]) >= 10
    assert all(VIGNETTE_CHUNKS.values()), "a vignette without R chunks"
    assert (ROOT / "docs").is_dir() and len(MARKDOWN_DOCS) > 1, "docs/ holds no Markdown file"
    for doc in DOCS:
        lines = doc.read_text(encoding="utf-8").splitlines()
        for fence in (line.strip() for line in lines if line.strip().startswith("```")):
            assert fence == "```" or re.fullmatch(r"```(python|r|\{r[^}]*\}|sh|bash|console|text)?", fence), (
                f"{doc.name}: a fence this test does not know: {fence}"
            )


# -- claims in prose, held by what they claim ------------------------------------------------------


def _rd_section(page: str, title: str) -> str:
    text = (ROOT / "man" / page).read_text(encoding="utf-8")
    match = re.search(r"\\section\{" + re.escape(title) + r"\}\{(.*?)\n\}", text, re.S)
    assert match, f"man/{page} has no section {title!r}"
    return match[1]


def _rd_item(page: str, argument: str) -> str:
    text = (ROOT / "man" / page).read_text(encoding="utf-8")
    match = re.search(r"\\item\{" + re.escape(argument) + r"\}\{(.*?)\}\n\n", text, re.S)
    assert match, f"man/{page} documents no {argument!r}"
    return _blanks_collapsed(match[1])


def _masking_sentence(text: str) -> str:
    sentences = [s for s in re.split(r"(?<=[.;])\s", _blanks_collapsed(text)) if "masks" in s]
    assert len(sentences) == 1, sentences
    return sentences[0]


def test_masking_note_names_what_r_reports():
    """README and ?layer_depthwise_conv_2d ("With keras3") name exactly the objects R reports masked,
    in both attach orders. keras3 needs reticulate >= 1.42: the debian stack checks it is absent."""
    reason = _r_ready()
    if reason:
        _missing(f"R cannot run: {reason}")
    script = (
        'first <- commandArgs(TRUE)[[1]]; second <- setdiff(c("kerasrbridge", "keras3"), first)\n'
        "suppressPackageStartupMessages(library(first, character.only = TRUE))\n"
        "masked <- character()\n"
        "withCallingHandlers(library(second, character.only = TRUE), message = function(m) {\n"
        "  masked <<- c(masked, conditionMessage(m)); invokeRestart('muffleMessage') })\n"
        "cat(masked, sep = '')\n"
    )
    has_keras3 = subprocess.run(
        ["Rscript", "-e", 'cat(requireNamespace("keras3", quietly = TRUE))'],
        capture_output=True, text=True, timeout=120, env=_r_environment(),
    ).stdout.strip() == "TRUE"
    if STACK == "debian":
        assert not has_keras3, "keras3 is installed in the debian stack, which cannot run it: check masking there"
        return
    if not has_keras3:
        _missing("keras3 is not installed")
    readme = _masking_sentence(README.read_text(encoding="utf-8"))
    rd = _masking_sentence(_rd_section("layer_depthwise_conv_2d.Rd", "With keras3"))
    documented_readme = set(re.findall(r"`(\w+)(?:\(\))?`", readme)) - {"keras3", "kerasrbridge"}
    documented_rd = set(re.findall(r"\\code\{(\w+)(?:\(\))?\}", rd)) - {"keras3", "kerasrbridge"}
    for first in ("kerasrbridge", "keras3"):
        done = subprocess.run(["Rscript", "-e", script, first], capture_output=True, text=True, timeout=300,
                              env=_r_environment())
        assert done.returncode == 0, done.stderr[-3000:]
        # R quotes the package with ASCII or with typographic quotes, depending on the locale.
        report = re.search(rf"masked from .package:{first}.:\n\n((?:    .*\n)+)", done.stdout)
        assert report, done.stdout
        masked = set(re.split(r"[\s,]+", report[1].strip()))
        assert masked == documented_readme, f"R reports {sorted(masked)} masked; the README names {documented_readme}"
        assert masked == documented_rd, f"R reports {sorted(masked)} masked; the Rd page names {documented_rd}"
        count = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}[len(masked)]
        assert count in readme and count in rd


def test_strides_sentence_fits_each_rank():
    """A 1D layer has one axis: neither its Python docstring nor its R page says strides may differ
    between the axes; the 2D ones do."""
    import kerasr_bridge

    claim = "differ between the axes"
    python = {rank: _blanks_collapsed(getattr(kerasr_bridge, f"layer_depthwise_conv_{rank}d").__doc__ or "")
              for rank in (1, 2)}
    assert claim not in python[1] and claim in python[2]
    assert "list of 1 integer," in python[1] and "list of 2 integers," in python[2]
    assert claim not in _rd_item("layer_depthwise_conv_1d.Rd", "strides")
    assert claim in _rd_item("layer_depthwise_conv_2d.Rd", "strides")


def test_the_multiworker_example_time_is_stated_once():
    """docs/scaling-out.md and the example's header give the same time, and no other doc gives one
    (tests/python/processes/test_data_parallel_training.py, which runs the example, holds its printed wall time
    to it)."""
    pattern = r"multiworker_custom_loop\.py`.*?takes about (\d+) s on 2 idle cores"
    stated = {doc.name: re.findall(pattern, _blanks_collapsed(doc.read_text(encoding="utf-8"))) for doc in DOCS}
    assert {name: times for name, times in stated.items() if times} == {"scaling-out.md": stated["scaling-out.md"]}
    assert len(stated["scaling-out.md"]) == 1
    header = re.search(r"~(\d+) s on 2 idle cores", (ROOT / "examples" / "multiworker_custom_loop.py").read_text())
    assert header and stated["scaling-out.md"][0] == header[1]


def test_layout_paths_exist():
    """Every path the Layout table of docs/design.md names is there (and no other doc has a Layout table)."""
    layouts = [doc for doc in DOCS if "\n## Layout\n" in doc.read_text(encoding="utf-8")]
    assert layouts == [ROOT / "docs" / "design.md"]
    text = layouts[0].read_text(encoding="utf-8")
    table = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    paths = [cell for row in table.splitlines() if row.startswith("| `")
             for cell in re.findall(r"`([^`]+)`", row.split("|")[1])]
    assert len(paths) > 30
    missing = [path for path in paths if not (ROOT / path).exists()]
    assert not missing, f"docs/design.md's Layout names paths that do not exist: {missing}"


def _without_code(text: str) -> str:
    """Markdown without its fenced blocks and code spans: what is left is prose (and its links)."""
    text = re.sub(r"(?ms)^\s*```.*?^\s*```[ \t]*$", "", text)
    return re.sub(r"(`+)[^`\n]*?\1", "", text)


def _anchors(doc: Path) -> set[str]:
    """The anchors GitHub makes of a Markdown (or R Markdown) file's headings: lower case, punctuation
    dropped but for hyphens and underscores, blanks made hyphens, a repeated one numbered."""
    anchors: set[str] = set()
    in_fence = False
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("```"):
            in_fence = not in_fence
            continue
        heading = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if in_fence or not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading[1].replace("`", "").lower()).replace(" ", "-")
        numbered, count = slug, 0
        while numbered in anchors:
            count += 1
            numbered = f"{slug}-{count}"
        anchors.add(numbered)
    return anchors


@pytest.mark.parametrize("doc", DOCS, ids=[doc.name for doc in DOCS])
def test_relative_links_resolve(doc):
    """Every relative link of a doc (README, docs/, the vignettes) names a file or folder that is there, and
    its #anchor, if any, a heading of that file."""
    links = re.findall(r"\[[^\]]*\]\(([^)\s]+)\)", _without_code(doc.read_text(encoding="utf-8")))
    if doc == README:
        assert len(links) >= 8, links  # the README's links to what moved out of it
    broken = []
    for link in links:
        if re.match(r"[a-z][a-z0-9+.-]*:", link):  # https:, mailto:: not ours to check
            continue
        path, _, anchor = link.partition("#")
        target = (doc.parent / path).resolve() if path else doc
        if not target.exists():
            broken.append(f"{link}: no {path}")
        elif anchor and (target.is_dir() or anchor not in _anchors(target)):
            broken.append(f"{link}: no heading #{anchor} in {path or doc.name}")
    assert not broken, f"{doc.name} has links that do not resolve: {broken}"


def test_the_readme_is_a_front_page():
    """The README stays short, with Install early and a quick start in each language soon after; the rest
    lives in docs/ and the vignettes."""
    lines = README.read_text(encoding="utf-8").splitlines()
    heading = {line: number for number, line in enumerate(lines, 1) if line.startswith("## ")}
    assert len(lines) <= 160, f"README.md has {len(lines)} lines"
    assert heading["## Install"] <= 60 and heading["## Quick start"] <= 100
    quick = [b for b in README_BLOCKS if b.where == "Quick start"]
    assert {b.language for b in quick} == {"python", "r"} and all(b.line <= 100 for b in quick)
    for command in ("make demo", "make test", "make check"):
        assert command in "\n".join(lines), command


def test_no_placeholder_is_left_in_the_prose():
    """A figure still to be measured is written as an upper-case placeholder (FIRST_CALL); none may reach a
    reader. Names a reader types (`KERAS_BACKEND`) are in code spans, and code is left out."""
    for doc in DOCS:
        prose = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.S)
        prose = re.sub(r"`[^`\n]*`", "", prose)
        placeholders = sorted(set(re.findall(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", prose)))
        assert not placeholders, f"{doc.name} has placeholders where figures belong: {placeholders}"


# -- generated help pages ----------------------------------------------------------------------------


def test_the_rd_pages_are_current(tmp_path):
    """man/ and NAMESPACE are what roxygen2 writes from R/ (R/layers.R is generated from the declarations:
    tests/python/test_generated_files.py); a page edited by hand, or R/ changed without `make generate`, fails."""
    reason = _r_ready()
    if reason:
        _missing(f"R cannot run: {reason}")
    package = tmp_path / "kerasrbridge"
    package.mkdir()
    for name in ("DESCRIPTION", "NAMESPACE", "pyproject.toml"):
        shutil.copy(ROOT / name, package / name)
    for folder in ("R", "man", "tools", "kerasr_bridge"):
        shutil.copytree(ROOT / folder, package / folder, ignore=shutil.ignore_patterns("__pycache__"))
    # roxygen2 loads the package (pkgload), whose .onLoad finds the bundled Python package where
    # reticulate has py_require(): bundled as ./configure does on install.
    subprocess.run(["sh", "tools/bundle-python.sh"], cwd=package, check=True, timeout=60)
    done = subprocess.run(["Rscript", "-e", "roxygen2::roxygenise()"], cwd=package, capture_output=True, text=True,
                          timeout=300, env=_r_environment())
    assert done.returncode == 0, done.stderr[-3000:]
    for name in ("NAMESPACE", *(f"man/{page.name}" for page in (ROOT / "man").glob("*.Rd"))):
        assert (package / name).read_text(encoding="utf-8") == (ROOT / name).read_text(encoding="utf-8"), (
            f"{name} is stale: run `make generate`"
        )
    assert sorted(p.name for p in (package / "man").glob("*.Rd")) == sorted(p.name for p in (ROOT / "man").glob("*.Rd"))
