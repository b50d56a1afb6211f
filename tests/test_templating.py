"""Compiled templates are read back by the next process, never stale."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

from jinja2 import Environment, FileSystemLoader

from outings.web.templating import _CompiledTemplates


def _render(templates: Path, cache: Path) -> tuple[str, int]:
    """The page, and how many templates this new process had to compile."""
    env = Environment(
        loader=FileSystemLoader(templates),
        bytecode_cache=_CompiledTemplates(str(cache)),
        autoescape=True,
    )
    with patch.object(env, "compile", wraps=env.compile) as compile_source:
        page = env.get_template("page.html").render(name="Ana")
    return page, compile_source.call_count


def test_a_new_process_reads_back_what_the_last_compiled_and_an_edit_compiles_again(
    tmp_path: Path,
) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    cache.mkdir()
    (templates / "page.html").write_text("Hello {{ name }}")

    assert _render(templates, cache) == ("Hello Ana", 1)
    assert _render(templates, cache) == ("Hello Ana", 0)

    (templates / "page.html").write_text("Goodbye {{ name }}")
    assert _render(templates, cache) == ("Goodbye Ana", 1)


def test_a_damaged_file_is_compiled_again(tmp_path: Path) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    cache.mkdir()
    (templates / "page.html").write_text("Hello {{ name }}")
    _render(templates, cache)
    for kept in cache.iterdir():
        kept.write_bytes(kept.read_bytes()[:20])

    assert _render(templates, cache) == ("Hello Ana", 1)
