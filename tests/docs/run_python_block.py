"""Run one Python block of the docs as a newcomer types it into Python, statement by statement.

    python run_python_block.py BLOCK.py RESULTS.json

Each top-level statement runs in one namespace, as in the interactive
interpreter: an expression statement shows the repr of its value (unless it is
None). The first error stops the block, as it would stop a script. RESULTS.json
gets, for every statement run, its first and last line, what it showed and the
error it raised, in the words Python prints as a traceback's last line.

This file is copied next to the block, into a temporary directory outside the
checkout, so the package comes from the installed environment only.
"""

from __future__ import annotations

import ast
import json
import sys
import traceback
from typing import Any


def main(block: str, results_path: str) -> int:
    with open(block, encoding="utf-8") as handle:
        source = handle.read()
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    results: list[dict[str, Any]] = []
    status = 0
    for node in ast.parse(source, filename=block).body:
        result: dict[str, Any] = {"first": node.lineno, "last": node.end_lineno, "shown": None, "error": None}
        results.append(result)
        try:
            if isinstance(node, ast.Expr):
                value = eval(compile(ast.Expression(node.value), block, "eval"), namespace)
                if value is not None:
                    result["shown"] = repr(value)
                    print(result["shown"], flush=True)
            else:
                exec(compile(ast.Module(body=[node], type_ignores=[]), block, "exec"), namespace)
        except Exception as error:  # what the block shows as its error, or a failure
            traceback.print_exc()
            result["error"] = "".join(traceback.format_exception_only(type(error), error)).strip()
            status = 1
            break
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
