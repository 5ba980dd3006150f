"""Presentation without Textual: what the desk and the command line both show.

A picture or a document that the desk's screens and the CLI's reports draw the same way
lives here once, in plain Rich or plain text, translated through ``t`` (or, for a
document addressed to someone else, through the catalog of that reader's language). It
takes the services' plain results (their frozen view dataclasses) and returns ``Text``
or ``str``; it never reads the store and never imports Textual, so ``cli/`` may import it
as freely as ``widgets/`` and ``screens/`` do.
"""
