"""Section 4–5: the catalog and the authoring commands (check, new, schema, show, list)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_loader_helpers import FIXTURE, TEXT, mutate

from tutor.cli import main
from tutor.lesson import catalog
from tutor.lesson.loader import lesson_from_text, load_lesson
from tutor.lesson.template import render_template


@pytest.fixture
def lessons_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "loader-fixture.yaml")
    (folder / "second.yaml").write_text(render_template("second"), encoding="utf-8")
    return folder


# --- check --------------------------------------------------------------------------------------------


def test_check_valid_file(capsys):
    assert main(["check", str(FIXTURE)]) == 0
    assert capsys.readouterr().out == "1 lesson checked, 0 problems\n"


def test_check_folder_recurses_and_reports_every_problem(tmp_path, lessons_dir, capsys):
    nested = lessons_dir / "more"
    nested.mkdir()
    bad = nested / "bad.yml"
    bad.write_text(mutate("minutes: 3", "minutes: 0").replace("level: beginner", "level: expert"), encoding="utf-8")
    (lessons_dir / "notes.txt").write_text("not a lesson")
    assert main(["check", str(lessons_dir)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "3 lessons checked, 2 problems in 1 file"
    assert out[0].startswith(f"{bad}:6:8: error: expected one of advanced, beginner, intermediate")
    assert out[1].startswith(f"{bad}:7:10: error: must be at least 1")


def test_check_singular_problem(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(mutate("minutes: 3", "minutes: 0"), encoding="utf-8")
    assert main(["check", str(bad), str(FIXTURE)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "2 lessons checked, 1 problem in 1 file"


def test_check_nonexistent_path_is_bad_input_exit_1(tmp_path, capsys):
    assert main(["check", str(tmp_path / "missing.yaml")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"tutor check: error: {tmp_path / 'missing.yaml'}: no such file or folder"


def test_check_hostile_file_no_traceback(tmp_path):
    bad = tmp_path / "bomb.yaml"
    bad.write_bytes(
        b"a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + b"".join(
            f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n".encode() for p, n in zip("abcdef", "bcdefg", strict=True)
        )
    )
    result = subprocess.run([sys.executable, "-m", "tutor", "check", str(bad)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "too many nodes (alias expansion?)" in result.stdout


# --- new ----------------------------------------------------------------------------------------------


def test_new_writes_a_lesson_that_passes_check(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "my-lesson"]) == 0
    path = tmp_path / "my-lesson.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=lesson.schema.json\n")
    loaded = load_lesson(path)
    lesson = loaded.lesson
    assert lesson.id == "my-lesson"
    # every major part is used
    assert lesson.flow.nodes and lesson.flow.edges and lesson.code and lesson.code[0].lines
    assert lesson.scenario.events and lesson.table.columns and lesson.tracker and lesson.narration
    assert lesson.moments and lesson.snapshot and lesson.transcript
    assert any(q.answer for q in lesson.questions)
    assert any(q.predict for q in lesson.questions)
    assert any(q.answer is None and q.predict is None for q in lesson.questions)
    capsys.readouterr()
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().out == "1 lesson checked, 0 problems\n"


def test_new_refuses_to_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "x.yaml"
    target.write_text("keep me")
    assert main(["new", "x", "--output", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_text() == "keep me"
    assert main(["new", "x", "--output", str(target), "--force"]) == 0
    assert load_lesson(target).lesson.id == "x"


def test_new_to_stdout(capsys):
    assert main(["new", "abc", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert lesson_from_text(out, "stdout").lesson.id == "abc"


@pytest.mark.parametrize("bad", ["Bad", "é", "a_b", "x" * 65, "a b"])
def test_new_invalid_id(bad, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["new", bad]) == 1
    err = capsys.readouterr().err
    assert err.startswith("tutor new: error: invalid id") and err.count("\n") == 2
    assert err.splitlines()[1] == "hint: for example: tutor new my-first-lesson"
    assert not list(tmp_path.iterdir())


# --- schema -------------------------------------------------------------------------------------------


def _schema(capsys) -> dict:
    assert main(["schema"]) == 0
    return json.loads(capsys.readouterr().out)


def test_schema_is_json_with_metadata_and_descriptions(capsys):
    schema = _schema(capsys)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "Session Tutor lesson"
    lesson = schema["$defs"]["Lesson"]["properties"]
    assert lesson["title"]["description"]
    question = schema["$defs"]["Question"]["properties"]
    assert "trace question" in question["answer"]["description"]  # from the model's field docstring


def test_schema_validates_the_new_lesson_and_rejects_bad_ones(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    schema = _schema(capsys)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(yaml.safe_load(render_template("demo")))) == []
    assert list(validator.iter_errors(yaml.safe_load(TEXT))) == []
    broken = yaml.safe_load(TEXT)
    broken["level"] = "expert"
    del broken["title"]
    assert len(list(validator.iter_errors(broken))) == 2


# --- show ---------------------------------------------------------------------------------------------


def test_show_text_has_every_part(capsys):
    assert main(["show", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    for heading in (
        "Execution table",
        "Variable tracker",
        "Narration",
        "Key moments",
        "Snapshot",
        "Transcript",
        "Questions",
    ):
        assert f"\n{heading}\n" in out
    assert "A first visit and a login" in out
    assert "[x] receive" in out and "[ ] validate" in out
    assert "  1 | export async function GET() {" in out
    assert "session ID" in out  # a column heading


def test_show_does_not_interpret_markup(tmp_path, capsys):
    path = tmp_path / "m.yaml"
    path.write_text(
        mutate("title: A first visit and a login", 'title: "[bold red]Visit[/] *em* <b>"'), encoding="utf-8"
    )
    assert main(["show", str(path)]) == 0
    assert "[bold red]Visit[/] *em* <b>" in capsys.readouterr().out


def test_show_json(capsys):
    assert main(["show", str(FIXTURE), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    loaded = load_lesson(FIXTURE)
    assert data["id"] == "loader-fixture" and data["title"] == loaded.lesson.title
    assert data["steps"] == [s.to_json() for s in loaded.steps]
    assert [q["difficulty"] for q in data["questions"]] == ["easy", "medium", "hard"]


def test_show_markdown(capsys):
    assert main(["show", str(FIXTURE), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# A first visit and a login\n")
    assert "## Execution table" in out and "| phase | action | session ID |" in out
    assert "- [x] receive" in out


def test_show_invalid_lesson_prints_problems(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(mutate("minutes: 3", "minutes: 0"), encoding="utf-8")
    assert main(["show", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{path}:7:10: error: must be at least 1")


def test_show_by_id_from_an_extra_folder(lessons_dir, capsys):
    assert main(["show", "second", "--lessons", str(lessons_dir)]) == 0
    assert "A first visit and a login" in capsys.readouterr().out
    assert main(["show", "secnd", "--lessons", str(lessons_dir)]) == 1
    assert "did you mean `second`?" in capsys.readouterr().err


# --- list and the catalog -----------------------------------------------------------------------------


def test_list_text_and_json(lessons_dir, capsys):
    (lessons_dir / "broken.yaml").write_text("id: [oops\n")
    assert main(["list", "--lessons", str(lessons_dir), "--format", "json"]) == 0
    data = {e["id"]: e for e in json.loads(capsys.readouterr().out)}
    assert data["loader-fixture"]["title"] == "A first visit and a login"
    assert data["loader-fixture"]["level"] == "beginner" and data["loader-fixture"]["minutes"] == 3
    assert data["second"]["valid"] and not data["broken"]["valid"]
    assert main(["list", "--lessons", str(lessons_dir)]) == 0
    out = capsys.readouterr().out
    assert any(line.startswith("loader-fixture") and "3 min" in line for line in out.splitlines())
    broken = next(line for line in out.splitlines() if line.startswith("broken"))
    assert "invalid: line 2: invalid YAML" in broken and broken.endswith(
        f"(run `tutor check {lessons_dir / 'broken.yaml'}`)"
    )


def test_catalog_resolve(lessons_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    assert catalog.resolve(str(FIXTURE)) == FIXTURE  # an existing path wins
    assert catalog.resolve("second", [lessons_dir]) == lessons_dir / "second.yaml"
    renamed = lessons_dir / "file-name.yaml"
    renamed.write_text(render_template("inner-id"), encoding="utf-8")
    assert catalog.resolve("inner-id", [lessons_dir]) == renamed  # by the lesson's own id
    with pytest.raises(catalog.UnknownLesson) as info:
        catalog.resolve("secondd", [lessons_dir])
    assert "did you mean `second`?" in str(info.value)


def test_resolve_an_extra_folder_wins_over_a_builtin_of_the_same_id(lessons_dir, tmp_path, monkeypatch):
    # the first folder that has the id wins, as in `tutor list`, even when the file is not named after it
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    mine = lessons_dir / "my-lifecycle.yaml"
    mine.write_text(render_template("session-lifecycle"), encoding="utf-8")
    assert catalog.resolve("session-lifecycle", [lessons_dir]) == mine
    assert next(e for e in catalog.entries([lessons_dir]) if e.id == "session-lifecycle").path == mine
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("TUTOR_LESSONS", str(other))
    (other / "env-copy.yaml").write_text(render_template("session-lifecycle"), encoding="utf-8")
    assert catalog.resolve("session-lifecycle", [lessons_dir]) == mine  # --lessons before TUTOR_LESSONS
    assert catalog.resolve("session-lifecycle") == other / "env-copy.yaml"  # TUTOR_LESSONS before built-ins


def test_resolving_a_builtin_id_reads_no_lesson_file(monkeypatch):
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    read: list[Path] = []
    real = catalog.read_entry
    monkeypatch.setattr(catalog, "read_entry", lambda path: read.append(path) or real(path))
    builtin = catalog.builtin_dir()
    assert builtin is not None
    assert catalog.resolve("session-lifecycle") == builtin / "session-lifecycle.yaml"
    assert read == []
    with pytest.raises(catalog.UnknownLesson) as info:  # an unknown id: every lesson is read for the hint
        catalog.resolve("sesion-lifecycle")
    assert "did you mean `session-lifecycle`?" in str(info.value)
    assert len(read) == len(catalog.lesson_files(builtin))


def test_builtin_lessons_are_named_after_their_ids():
    # what lets `tutor open ID` find a built-in lesson without reading the others
    builtin = catalog.builtin_dir()
    assert builtin is not None
    entries = [catalog.read_entry(path) for path in catalog.lesson_files(builtin)]
    assert entries and all(entry.path.stem == entry.id for entry in entries)


def test_catalog_env_folders_and_builtins(lessons_dir, tmp_path, monkeypatch):
    other = tmp_path / "other"
    other.mkdir()
    (other / "third.yaml").write_text(render_template("third"), encoding="utf-8")
    monkeypatch.setenv("TUTOR_LESSONS", f"{lessons_dir}{__import__('os').pathsep}{other}")
    ids = {e.id for e in catalog.entries()}
    assert {"loader-fixture", "second", "third"} <= ids
    assert catalog.lesson_dirs()[:2] == [lessons_dir, other]
    builtin = catalog.builtin_dir()
    assert builtin is not None and builtin.name in ("lessons", "builtin_lessons")


# -- files the app creates: never through a link, never over a file (issue 18 §1-3) ------------------------


def test_new_never_writes_through_a_dangling_symlink(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "my-lesson.yaml").symlink_to(outside / "planted.yaml")
    assert main(["new", "my-lesson"]) == 1
    assert "my-lesson.yaml is a link" in capsys.readouterr().err
    assert not (outside / "planted.yaml").exists()
    assert main(["new", "my-lesson", "--force"]) == 0  # asked for: the link itself is replaced by the file
    assert not (outside / "planted.yaml").exists()
    assert not (tmp_path / "my-lesson.yaml").is_symlink() and (tmp_path / "my-lesson.yaml").is_file()


@pytest.mark.parametrize("bad", ["abc\n", "plain-id\n", "abc\r", "\nabc"])
def test_an_id_with_a_line_break_is_refused_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", bad]) == 1
    assert "invalid id" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    from tutor.lesson.catalog import ID_PATTERN

    assert not ID_PATTERN.fullmatch(bad) and not ID_PATTERN.search(bad)


def test_msgspec_patterns_do_not_match_before_a_final_line_break() -> None:
    """msgspec's ``Meta(pattern=)`` uses ``re.search``, where ``$`` also matches before a final ``\\n``."""
    import msgspec

    from tutor.engine.scenario import BrowserName, EngineOptions
    from tutor.lesson.model import Id

    for kind, good in ((Id, "plain-id"), (BrowserName, "phone")):
        assert msgspec.convert(good, kind) == good
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert(good + "\n", kind)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"idle_timeout": "30m\n"}, EngineOptions)


def test_the_export_never_spins_on_a_dangling_link_and_never_follows_it(tmp_path: Path) -> None:
    from tutor.engine.scenario import EngineOptions
    from tutor.ui.scenario_export import write_export

    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "playground-1.yaml").symlink_to(outside / "gone.yaml")
    path = write_export(tmp_path, EngineOptions(), ["logout"])
    assert path.name == "playground-2.yaml" and path.is_file() and not path.is_symlink()
    assert not (outside / "gone.yaml").exists()


def test_the_export_gives_up_after_a_bounded_number_of_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tutor.files
    from tutor.engine.scenario import EngineOptions
    from tutor.ui.scenario_export import write_export

    monkeypatch.setattr(tutor.files, "MAX_TRIES", 5)
    for n in range(1, 6):
        (tmp_path / f"playground-{n}.yaml").symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError, match="no free name playground-N.yaml after 5 tries"):
        write_export(tmp_path, EngineOptions(), ["logout"])
