"""`letter-audit serve`: the worksheet of a team reviewing a batch, as a small web application.

The batch is audited once when the server starts (audit/run.py's records); every reviewer's
decision goes to a database (SQLite by default, PostgreSQL by URL) as a new row of its
history, never an overwrite. Modules, one job each:

    database.py    the URL, the engine, the migrations (Alembic, migrations/), the session key
    schema.py      the tables
    decisions.py   writing and reading decisions: history, latest state, changes since
    worksheet.py   the run's findings joined with the decisions (states, stale, progress)
    run_file.py    a run's JSON output read back, to review it without auditing again
    side_by_side.py  a letter beside its template, for its page (laid over again in a worker)
    query.py       the search language of the worksheet's filter
    users.py       the users file (argon2 password hashes)
    security.py    sessions, login, CSRF tokens, security headers
    app.py         the routes (Starlette)
    command.py     `letter-audit serve` and `letter-audit review export|import|passwd`
"""
