"""The notice's rules as code: rule config, the compliance engine, reminders, digests, pauses,
counterpart confirmations and link assignment.

Example: `compliance_for(db, leader, at=now, settings=settings)` then `render_progress(status)`
(bot/rules/progress.py) answers "我的进度".
"""
