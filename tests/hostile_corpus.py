"""The one hostile corpus: text a lesson or scenario author could write that must reach every output
literally (tests/test_hostile_output.py runs every output path through it; tests/test_hardening_display.py
adds layout-hostile text to it for the app's modes)."""

from __future__ import annotations

import re

MARKUP = "[bold]B[/bold] [/bold] [link=file:///etc/passwd]L[/link] [red]"
CSI = "\x1b[31mRED\x1b[0m\x1b[2J"
OSC52 = "\x1b]52;c;ZXZpbA==\x07"
OSC8 = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
C0 = "c0:\x01\x08\x0b\x0c\x0d\x7f"
C1 = "c1:\x85\x90\x9b\x9d\x9c"
BIDI = "bidi:\u202eevil\u202c \u2066iso\u2069 \u061calm"
INVISIBLE = "soft\u00adhyphen zero\u200bwidth"
HTML = "<img src=x onerror=alert(1)><script>alert(2)</script>"
CORPUS = {
    "markup": MARKUP,
    "csi": CSI,
    "osc52": OSC52,
    "osc8": OSC8,
    "c0": C0,
    "c1": C1,
    "bidi": BIDI,
    "invisible": INVISIBLE,
    "html": HTML,
}
HOSTILE = " ".join(CORPUS.values())

#: Characters none of the outputs may contain: every C0 control but the newline, DEL, every C1 control,
#: and the invisible format characters of the corpus. Spelled out here, not taken from the code under test.
FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b\u202a-\u202e\u2066-\u2069\ufeff]")
