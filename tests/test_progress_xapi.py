"""`tutor progress --format xapi`: xAPI 1.0.3 statements a Learning Record Store can import.

Validated against tests/fixtures/xapi-statement.schema.json (a subset of the xAPI 1.0.3 Statement written
from the specification) plus the rules JSON Schema cannot express (score raw between min and max).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tutor.progress import ProgressStore

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "xapi-statement.schema.json").read_text(encoding="utf-8"))
ADL = "http://adlnet.gov/expapi/verbs/"


def _fill(home: Path) -> None:
    clock = iter(range(1_790_000_000, 1_790_000_100))
    with ProgressStore.open(home / "progress.sqlite3", clock=lambda: float(next(clock))) as store:
        store.record_step("session-lifecycle", 999)  # past the last step: the walkthrough was followed to the end
        store.record_step("expiry", 2)  # not finished: no `completed`
        store.record_answer("session-lifecycle", "first-row", "practice", [0], True, 1)
        store.record_answer("session-lifecycle", "first-row", "test", [1, 2], False, 0)
        store.record_test("session-lifecycle", 8, 10, 80.0)
        store.record_test("expiry", 3, 10, 30.0)


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TUTOR_LESSONS"}
    env["TUTOR_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "tutor", "progress", "--format", "xapi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("xapi-home")
    _fill(home)
    return home


@pytest.fixture(scope="module")
def statements(home: Path) -> list[dict]:
    done = run(home, "--actor", "mailto:alice@example.org")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_statement_is_valid_xapi(statements: list[dict]) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    for statement in statements:
        errors = sorted(validator.iter_errors(statement), key=str)
        assert not errors, f"{errors[0].message} at {list(errors[0].absolute_path)} in {statement}"
        score = statement.get("result", {}).get("score")
        if score and "raw" in score:
            assert score["min"] < score["max"] and score["min"] <= score["raw"] <= score["max"]


def test_the_schema_refuses_what_the_spec_refuses() -> None:
    """The schema subset is not a rubber stamp: a statement with two identifiers, a bare-word verb, a
    scaled score above 1 or an unknown property is refused."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    good = {"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": ADL + "answered"}, "object": {"id": "https://x.invalid/q"}}
    assert validator.is_valid(good)
    bad = [
        {**good, "actor": {"mbox": "mailto:a@b.c", "account": {"homePage": "http://h/", "name": "a"}}},
        {**good, "verb": {"id": "answered"}},
        {**good, "result": {"score": {"scaled": 1.5}}},
        {**good, "colour": "red"},
        {**good, "actor": {"mbox": "a@b.c"}},
        {**good, "timestamp": "yesterday"},
    ]
    for statement in bad:
        assert not validator.is_valid(statement), statement


def test_verbs_objects_and_scores(statements: list[dict]) -> None:
    by_verb: dict[str, list[dict]] = {}
    for s in statements:
        by_verb.setdefault(s["verb"]["id"].removeprefix(ADL), []).append(s)
    assert sorted(by_verb) == ["answered", "completed", "failed", "passed"]
    (completed,) = by_verb["completed"]
    assert completed["object"]["id"].endswith("/lessons/session-lifecycle")
    assert completed["object"]["definition"]["name"]["en"].startswith("The session lifecycle")
    right, wrong = by_verb["answered"]
    assert right["object"]["id"].endswith("/lessons/session-lifecycle/questions/first-row")
    assert right["result"]["success"] is True and right["result"]["response"] == "choice-1"
    assert wrong["result"]["success"] is False and wrong["result"]["response"] == "choice-2[,]choice-3"
    assert right["context"]["contextActivities"]["parent"][0]["id"] == completed["object"]["id"]
    (passed,) = by_verb["passed"]
    assert passed["result"]["score"] == {"scaled": 0.8, "raw": 8, "min": 0, "max": 10}
    assert passed["result"]["success"] is True
    (failed,) = by_verb["failed"]
    assert failed["object"]["id"].endswith("/lessons/expiry") and failed["result"]["score"]["scaled"] == 0.3
    assert all(s["actor"] == {"objectType": "Agent", "mbox": "mailto:alice@example.org"} for s in statements)
    assert right["timestamp"].endswith("Z")


def test_ids_and_iris_are_stable(home: Path, statements: list[dict]) -> None:
    again = json.loads(run(home, "--actor", "mailto:alice@example.org").stdout)
    assert again == statements  # re-sending the same export stores nothing twice
    assert len({s["id"] for s in statements}) == len(statements)
    other = json.loads(run(home, "--actor", "mailto:bob@example.org").stdout)
    assert {s["id"] for s in other}.isdisjoint(s["id"] for s in statements)
    assert [s["object"]["id"] for s in other] == [s["object"]["id"] for s in statements]


def test_default_actor_is_the_user_and_pass_mark_is_an_option(home: Path) -> None:
    import getpass

    done = run(home, "--pass-mark", "25")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found[0]["actor"]["account"]["name"] == getpass.getuser()
    assert ADL + "failed" not in {s["verb"]["id"] for s in found}  # 30% passes a 25% mark


@pytest.mark.parametrize(("args", "message"), [
    (["--actor", "alice"], "tutor progress: error: --actor alice: expected a mailto: address"),
])
def test_bad_options_are_one_error_and_exit_1(home: Path, args: list[str], message: str) -> None:
    done = run(home, *args)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(message), done.stderr


def test_a_pass_mark_out_of_range_is_a_usage_error(home: Path) -> None:
    done = run(home, "--pass-mark", "120")
    assert done.returncode == 2 and done.stdout == ""
    assert "tutor progress: error: argument --pass-mark: expected a percentage 0-100, not 120" in done.stderr


def test_readme_says_how_to_send_them_to_an_lrs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "tutor progress --format xapi" in readme
    assert "X-Experience-API-Version: 1.0.3" in readme and "/statements" in readme


def test_the_export_reads_the_catalog_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Titles and step counts come from one pass over the lesson files (a record of a lesson that is no
    longer there cost one more pass each)."""
    from tutor.commands.progress import progress_xapi
    from tutor.lesson import catalog

    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    with ProgressStore.open(tmp_path / "progress.sqlite3") as store:
        store.record_step("session-lifecycle", 999)
        store.record_step("a-removed-lesson", 3)
        store.record_step("another-removed-lesson", 3)
    files = list(catalog.lesson_files(catalog.builtin_dir()))
    read = []
    real = catalog.read_entry
    monkeypatch.setattr(catalog, "read_entry", lambda path: read.append(path) or real(path))
    with ProgressStore.open(tmp_path / "progress.sqlite3", readonly=True) as store:
        statements = progress_xapi(store, {"objectType": "Agent", "mbox": "mailto:a@example.org"})
    assert len(read) == len(files)
    assert [s["object"]["id"].rsplit("/", 1)[-1] for s in statements if s["verb"]["id"].endswith("/completed")] == [
        "session-lifecycle"]
