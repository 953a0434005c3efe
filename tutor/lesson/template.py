"""The lesson `tutor new ID` writes: commented to teach the format, using every major part, valid.

``render_template(lesson_id)`` returns the text. The first line points editors that speak the
yaml-language-server protocol (VS Code's YAML extension, Helix, Neovim ...) at the JSON Schema that
``tutor schema > lesson.schema.json`` writes next to the lesson, for completion and checking as you type.
"""

from __future__ import annotations

import textwrap

from tutor.lesson.catalog import ID_PATTERN

#: The schema file the first line refers to (write it with `tutor schema > lesson.schema.json`).
SCHEMA_FILE = "lesson.schema.json"

_TEMPLATE = """\
# yaml-language-server: $schema=__SCHEMA__
# The line above lets your editor check this file as you type: write the schema next to it with
#     tutor schema > __SCHEMA__
# Check the lesson with `tutor check __ID__.yaml`, preview it with `tutor show __ID__.yaml`,
# open it with `tutor open __ID__.yaml --watch` (it reloads when you save).
#
# Everything below is one lesson. Text is plain YAML: quote text that contains ": " or starts
# with a special character, and use `|` blocks for several lines.

id: __ID__                       # lower-case letters, digits and dashes; the file name should match
title: A first visit and a login
summary: A browser with no cookie gets an anonymous session; signing in replaces its ID.
level: beginner                  # beginner, intermediate or advanced
minutes: 5                       # how long the lesson takes, 1 to 240
tags: [sessions, cookies]
prerequisites: []                # ids of lessons to take first

# The concept flow: boxes and arrows. A node lights up while the walkthrough is in one of its phases.
__PHASES__
flow:
  nodes:
    - id: browser
      label: Browser
      phases: [receive, store_cookie]
    - id: server
      label: Next.js route handler
      phases: [read_cookie, check_credentials, validate, load_user, send_response]
    - id: store
      label: Session store
      phases: [create_session, rotate_session, destroy_session]
  edges:
    - {from: browser, to: server, label: request with Cookie}
    - {from: server, to: store}
    - {from: server, to: browser, label: response with Set-Cookie}
  caption: The cookie carries only the session ID; the data stays on the server.

# Code shown beside the walkthrough. `lines` highlights source lines (1-based) during a phase. With
# several `servers:` in the scenario, `server: NAME` on a sample marks its lines only on that server's
# steps (the side-by-side lesson); without it, on every step of the phase.
code:
  - title: app/api/session/route.ts
    language: typescript
    source: |
      import { cookies } from "next/headers";

      export async function GET() {
        const cookieStore = await cookies();             // async since Next.js 15
        const id = cookieStore.get("sessionId")?.value;  // get() returns { name, value } or undefined
        const session = id ? await store.find(id) : null;
        if (!session) {
          const fresh = await store.create();
          cookieStore.set("sessionId", fresh.id, { httpOnly: true, secure: true, sameSite: "lax" });
        }
        return Response.json({ ok: true });
      }
    lines:
      receive: [3]
      read_cookie: [4, 5]
      validate: [6]
      create_session: [7, 8]
      set_cookie: [9]
      send_response: [11]
    caption: A route handler may set cookies; a Server Component can only read them.

# The scenario the engine runs. `engine:` options all have defaults; `seed` makes the IDs repeatable.
# Events: request, login, logout, advance (the virtual clock), tamper, steal, xss, clear_cookies,
# restart_server, close_browser, set_cookie (a hand-written response), document_cookie (a page
# script's write), sign_out_everywhere, rotate_secret. `as:` picks the browser (default: browser); `login` takes
# `remember: true` ("remember me": a persistent cookie with Max-Age cookie.remember_max_age).
# Browsers are chromium unless declared next to `events:`, e.g. `browsers: {fox: {kind: firefox}}`
# (kinds: chromium, firefox, safari; they differ for `same_site: unset` and for SameSite=None
# without Secure). `mark:` names an event, so the rest of the file can point at its rows by name
# (`visit`, `visit.create_session`) instead of by number: names keep pointing at the right rows
# when you add or remove events.
scenario:
  engine:
    strategy: database           # or jwt
    idle_timeout: 30m
    seed: 7
  events:
    - request: GET /
      note: The first visit carries no cookie.
      mark: visit
    - login: alice
      mark: login
    - request: GET /dashboard
    - logout

# The execution table: which steps become rows (by phase) and which columns they show.
# A step anywhere else in this file is a row of this table: a number (1, 2, 3 ...), a mark (the event's
# first row), `mark.phase` (the event's first row of that phase) or `end` (the final row).
table:
  columns:
    - field: step
    - field: phase
    - field: action
    - field: session_id
      heading: session ID
    - field: user
    - field: result
  phases: [receive, create_session, rotate_session, destroy_session, set_cookie, clear_cookie]

# The variable tracker: one row per variable, one column per step.
__NAMES__
tracker:
  - variable: session_id
    label: session ID
  - variable: user
  - variable: cookie_present
    label: cookie sent?

# What the narrator says: at one step, or at every step of a phase (a step entry wins).
narration:
  - step: visit
    text: The first request arrives. The browser has no cookie for this site yet.
  - phase: create_session
    text: No valid session came with the request, so the server starts a new one.
  - phase: rotate_session
    text: Alice signed in, so the old ID is thrown away and a fresh one issued.

# Key moments: questions the learner can reveal the answer to, linked to steps.
moments:
  - question: Why does a visitor get a session before signing in?
    answer: Anonymous sessions are on, so a first visit gets one; it holds no user.
    steps: [visit.create_session]

# A one-screen summary, and a transcript (plain text, several lines with |).
snapshot: |
  A first visit and a login
  - GET / with no cookie: a new anonymous session and a Set-Cookie.
  - login: the password is checked and the session ID rotated.
  - logout: the session is deleted on the server and the cookie cleared.
transcript: |
  Narrator: A browser visits the site for the first time. It has no cookie.
  Narrator: The server starts an anonymous session and sends its ID in Set-Cookie.
  Narrator: Alice signs in; the server checks her password and issues a fresh ID.

# Questions. Exactly one choice is `correct: true` unless `multiple: true`. Where they appear: the
# visual quiz asks trace questions (`answer:`); practice asks every question without `predict:`;
# the walkthrough asks each `predict:` question before its step; a test draws up to 10 questions
# without `predict:`, spread over easy, medium and hard.
questions:
  # A trace question: `answer` names a value of the trace; `tutor check` verifies that the
  # correct choice's text equals it, spelled as the table shows it: null, true / false, numbers as
  # digits ("200"), text in full (never cut short with …), other values as compact JSON.
  - id: first-phase
    difficulty: easy
    prompt: Which phase does step 1 record?
    answer: {step: visit, field: phase}
    choices:
      - text: receive
        correct: true
      - text: validate
      - text: set_cookie
  # A predict question: asked in the walkthrough just before step 2 is revealed.
  - id: predict-first-visit
    difficulty: medium
    prompt: GET / arrived without a session cookie. What does the server do next?
    predict: visit.create_session
    choices:
      - text: It creates a new anonymous session.
        correct: true
        feedback: Right; anonymous sessions are on, so a first visit gets one.
      - text: It signs the visitor in as alice.
        feedback: Nobody is signed in without a password.
  # A normal question, with hints, a solution and common mistakes.
  - id: cookie-holds
    difficulty: hard
    prompt: In a database session, what does the cookie hold?
    steps: [visit.create_session]
    choices:
      - text: Only the session ID.
        correct: true
      - text: The user's password.
      - text: The whole session row.
    hints:
      - Where does the session data live?
    solution:
      - The row lives in the server's store.
      - The cookie only names it, with a random ID.
    mistakes:
      - Thinking the server trusts data that the browser sends back.

# Challenges: puzzles played in the playground (the lesson's Challenges mode). A challenge runs on
# this lesson's engine with its own `engine:` changes; `setup` is played first, then the learner plays
# events with the verbs in `allowed` until the goal is reached. `tutor check` plays `solution` to prove
# that it reaches the goal (and that `setup` alone does not), and that `par` is no longer than it.
# A goal is one of: `step: {FIELD: VALUE}` (some step matches every field given), `end: {VARIABLE:
# VALUE}` (after the last step), `sessions: N` (rows the server stores), `never: {FIELD: VALUE}` (a
# step that must not happen), or a list of goals under `all:`, `any:` or `in_order:`. A VALUE may also
# be `{contains: TEXT}`.
challenges:
  - id: expire-it
    title: Let the session expire
    brief: The browser has a session. Without touching its cookie, make the server delete it.
    engine: {idle_timeout: 10m}
    setup:
      - request: GET /
    allowed: [request, advance]
    goal: {step: {actor: browser, phase: destroy_session}}
    par: 2
    solution:
      - advance: 11m
      - request: GET /
    hints:
      - The idle timeout is 10 minutes here.
"""


def render_template(lesson_id: str) -> str:
    """The new lesson's text for ``lesson_id`` (which must match :data:`ID_PATTERN`)."""
    if not ID_PATTERN.fullmatch(lesson_id):
        raise ValueError(f"invalid lesson id {lesson_id!r}")
    return (
        _TEMPLATE.replace("__SCHEMA__", SCHEMA_FILE)
        .replace("__ID__", lesson_id)
        .replace("__PHASES__", _phases_comment())
        .replace("__NAMES__", _names_comment())
    )


def _comment(text: str) -> str:
    """``text`` as ``# `` comment lines of at most 100 characters."""
    return "\n".join("# " + line for line in textwrap.wrap(text, 98))


def _phases_comment() -> str:
    """Every phase of the engine (so the list can never fall behind it)."""
    from tutor.engine.trace import PHASES

    return _comment("Phases are the engine's names: " + ", ".join(PHASES) + ".")


def _names_comment() -> str:
    """Every step field and variable the engine records."""
    from tutor.lesson.model import trace_names

    fields, variables, prefixes = trace_names()
    per_browser = ", ".join(p + "NAME" for p in prefixes)
    return _comment(
        "A step field ("
        + ", ".join(fields)
        + ") or a variable of the trace ("
        + ", ".join(v for v in variables if not v.startswith(prefixes))
        + ", and "
        + per_browser
        + " for any browser)."
    )


__all__ = ["ID_PATTERN", "SCHEMA_FILE", "render_template"]
