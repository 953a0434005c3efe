"""`tutor new ID`: write a commented lesson to start from (it passes `tutor check`)."""

from __future__ import annotations

import sys
from pathlib import Path

from tutor.commands.common import error, out


def run(args) -> int:
    from tutor.lesson.catalog import file_problem
    from tutor.lesson.template import ID_PATTERN, SCHEMA_FILE, render_template

    lesson_id = args.id
    if not ID_PATTERN.fullmatch(lesson_id):
        return error(
            "new",
            f"invalid id `{lesson_id}`: use lower-case letters, digits and dashes "
            "(at most 64, not starting with a dash)",
            "for example: tutor new my-first-lesson",
        )
    text = render_template(lesson_id)
    output = args.output or f"{lesson_id}.yaml"
    if output == "-":
        sys.stdout.write(text)  # our own template, with the id checked above
        return 0
    path = Path(output)
    if path.is_dir():
        return error(
            "new",
            f"{output} is a folder",
            f"give a file name: tutor new {lesson_id} --output {output}/{lesson_id}.yaml",
        )
    if path.exists() and not path.is_file():  # a FIFO or a device: writing would block or go nowhere
        return error("new", f"{output}: {file_problem(path)}")
    from tutor.files import create_new, replace_file

    try:
        if args.force:
            replace_file(path, text)  # a new file renamed over the name: a link there is replaced, not followed
        else:
            create_new(path, text)  # O_EXCL | O_NOFOLLOW: never through a (dangling) link, never over a file
    except FileExistsError:
        what = "is a link" if path.is_symlink() else "already exists"
        return error("new", f"{output} {what}", "use --force to replace it")
    except OSError as exc:
        return error("new", f"cannot write {output}: {exc.strerror or exc}")
    out(f"wrote {output}")
    out(f"next: `tutor schema > {path.parent / SCHEMA_FILE}` for editor completion, then `tutor check {output}`")
    return 0
