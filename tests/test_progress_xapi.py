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
    return subprocess.run(
        [sys.executable, "-m", "tutor", "progress", "--format", "xapi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


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
    good = {
        "actor": {"mbox": "mailto:a@b.c"},
        "verb": {"id": ADL + "answered"},
        "object": {"id": "https://x.invalid/q"},
    }
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


@pytest.mark.parametrize(
    "actor",
    [
        "alice",
        "mailto:alice@school.example\n",  # `$` matched before a final line break
        "mailto:alice@school.example\x1b]0;owned\x07",  # a terminal title escape into every statement
        "mailto:alice@school.example\x00",
        "mailto:alice bob@school.example",
        "mailto:alice@",
        "mailto:@school.example",
        "mailto:alice@school.example?subject=hi",
        "mailto:alice@-school.example",
        "MAILTO:alice@school.example",
        "mailto:" + "a" * 400 + "@school.example",
    ],
)
def test_a_malformed_actor_is_a_usage_error(capsys: pytest.CaptureFixture[str], actor: str) -> None:
    """xAPI 1.0.3 §2.4.2.1: ``mbox`` is a ``mailto:`` IRI; anything else never reaches a statement."""
    from tutor.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["progress", "--format", "xapi", "--actor", actor])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.splitlines()[-1]
    assert err.startswith("tutor progress: error: argument --actor: ") and "expected a mailto: address" in err
    assert not any(c in captured.err for c in "\x1b\x07\x00")


@pytest.mark.parametrize(
    "account",
    [
        ["ftp://lms.example.org/", "alice"],
        ["https://lms.example.org/\n", "alice"],
        ["https://lms.example.org/", "alice\n"],
        ["https://lms.example.org/", "al\x1bice"],
        ["https://lms.example.org/", ""],
        ["https://lms example.org/", "alice"],
    ],
)
def test_a_malformed_actor_account_is_a_usage_error(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, account: list[str]
) -> None:
    from tutor.cli import main

    monkeypatch.setenv("TUTOR_HOME", str(home))
    with pytest.raises(SystemExit) as exited:
        main(["progress", "--format", "xapi", "--actor-account", *account])
    assert exited.value.code == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err.startswith("tutor progress: error: argument --actor-account: "), err
    assert "\x1b" not in err


def test_an_account_actor_goes_into_every_statement(home: Path) -> None:
    done = run(home, "--actor-account", "https://lms.example.org/", "alice")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found and all(
        s["actor"] == {"objectType": "Agent", "account": {"homePage": "https://lms.example.org/", "name": "alice"}}
        for s in found
    )
    for statement in found:
        jsonschema.validate(statement, SCHEMA)


def test_actor_and_actor_account_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    from tutor.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["progress", "--format", "xapi", "--actor", "mailto:a@b.example", "--actor-account", "https://h/", "a"])
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_well_formed_mailto_actors_are_kept() -> None:
    from tutor.lesson.xapi import agent

    for actor in ("mailto:alice@example.org", "mailto:a.b+tag@sub.school-x.example", "mailto:o'brien@x.example"):
        assert agent(actor) == {"objectType": "Agent", "mbox": actor}


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
        "session-lifecycle"
    ]


def test_a_jupyterhub_user_is_their_hub_account(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a JupyterHub user's server the default actor is that user's account on the hub (xAPI §2.4.2.1),
    never this machine's user (every hub user's server may run as the same Unix user)."""
    from tutor.lesson.xapi import agent, hub_home_page

    for name in ("JUPYTERHUB_PUBLIC_HUB_URL", "JUPYTERHUB_HOST", "JUPYTERHUB_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("JUPYTERHUB_PUBLIC_HUB_URL", "https://hub.school.example/hub/")
    assert agent() == {
        "objectType": "Agent",
        "name": "alice",
        "account": {"homePage": "https://hub.school.example/hub/", "name": "alice"},
    }
    assert agent("mailto:a@b.example") == {"objectType": "Agent", "mbox": "mailto:a@b.example"}  # --actor wins
    env = {"JUPYTERHUB_BASE_URL": "/class/", "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/class/hub/api"}
    assert hub_home_page(env, "box") == "http://box/class/hub/"  # the internal API URL is never the home page
    assert hub_home_page({**env, "JUPYTERHUB_HOST": "https://hub.example"}, "box") == "https://hub.example/class/hub/"
    assert hub_home_page({"JUPYTERHUB_BASE_URL": "/"}, "box") == "http://box/hub/"
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert agent()["account"]["name"] != "alice"
