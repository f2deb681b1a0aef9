"""The programme around the standards (issue 16): its records' data in ``programme/``
(``data.py``), metrics computed from runs and registers (``metrics.py``), the monthly
history (``history.py``), goals against targets (``goals.py``), the CLI (``cli.py``)."""
