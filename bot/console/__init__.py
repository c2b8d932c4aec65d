"""The admin web console (issue 7): compliance at a glance, people and links, records with evidence and
history, the concerns board, the audit log, and the exports a school reports upward (N16, N19, N21).

The blueprint lives in `bot.console.blueprint` (registered by `bot.server.web.create_app`).
"""
