"""finder's rules as plain Python, without Flask: the checklist, scoring and the verdict,
the interview's fields, the shortlist's filters, the medication timeline, and the schedule
arithmetic and chart. Each module takes plain data and returns plain data, so its tests need
no app; the web pages (the blueprints) and the directory build on them, never the reverse.
"""
