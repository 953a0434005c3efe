"""A browser's HAR capture (HTTP Archive 1.2) stepped through as a walkthrough (issue 20).

- :mod:`tutor.capture.har`: the HAR read with msgspec (bodies dropped at decode), a bad file as one
  positioned problem (:class:`~tutor.capture.har.HarError`);
- :mod:`tutor.capture.lazy`: the reader the commands use: the dates of every entry up front, each entry
  decoded when the replay reaches it (a 20,000-entry capture opens as fast as a lesson);
- :mod:`tutor.capture.replay`: the capture replayed through the engine's jar: per request the site
  relation, the cookies sent and received, the model's prediction, the session's life and the findings,
  as an engine :class:`~tutor.engine.trace.Trace`;
- :mod:`tutor.capture.h2`: HTTP/2 requests (split ``cookie`` fields joined, the host from ``:authority``);
- :mod:`tutor.capture.export`: the capture as a lesson to start from (`e`, ``--format scenario``), which
  `tutor check` takes.

This package sits at the lesson layer: it imports the engine, never the UI.
"""
