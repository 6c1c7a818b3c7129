"""A server in a process of its own (for the SIGKILL test): `python serve_child.py URL PORT LETTERS`
serves a made-up worksheet of LETTERS letters, decisions in the database at URL."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import uvicorn  # noqa: E402

from audit.serve.app import Access, create_app  # noqa: E402
from audit.serve.database import open_database  # noqa: E402
from audit.serve.live import Live  # noqa: E402
from serve_support import synthetic_sheet  # noqa: E402

url, port, letters = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
app = create_app(Live(synthetic_sheet(letters), open_database(url)), Access(None))
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
