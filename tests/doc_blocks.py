"""The code blocks of the README and the vignette, as a reader meets them: tests/docs runs every one,
tests/install runs the README's R install lines in the environment reticulate builds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Block:
    """A block of code in a doc: its language, where it starts (the line after the fence) and its code."""

    doc: Path
    language: str
    line: int
    code: str
    where: str

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line} {self.language} ({self.where})"


def code_blocks(doc: Path) -> list[Block]:
    """The ```python and ```r blocks of a Markdown file and the ```{r ...} chunks of an R Markdown
    file, in order; fences may be indented (a block inside a list item), the code is dedented."""
    found: list[Block] = []
    lines = doc.read_text(encoding="utf-8").splitlines()
    heading = "top"
    opening = re.compile(r"^(?P<indent>\s*)```\s*(?P<language>python|r|\{r(?P<options>[\s,][^}]*)?\})\s*$")
    index = 0
    other_fence = False  # inside a block this test does not run (shell commands): no headings there
    while index < len(lines):
        line = lines[index]
        match = opening.match(line)
        if not match:
            if line.strip().startswith("```"):
                other_fence = not other_fence
            elif line.startswith("#") and not other_fence:
                heading = line.lstrip("#").strip()
            index += 1
            continue
        indent = match["indent"]
        language = "python" if match["language"] == "python" else "r"
        where = heading
        if match["language"].startswith("{r"):
            options = (match["options"] or "").strip(" ,")
            label = options.split(",")[0].strip() if options and "=" not in options.split(",")[0] else ""
            where = f"chunk {label}" if label else f"{heading}, unnamed chunk"
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        assert end < len(lines), f"{doc.name}:{index + 1}: the block is never closed"
        code = [text[len(indent):] if text.startswith(indent) else text.strip() for text in lines[index + 1:end]]
        found.append(Block(doc, language, index + 2, "\n".join(code) + "\n", where))
        index = end + 1
    return found
