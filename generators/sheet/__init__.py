"""Editing a standard's machine-readable part in Excel (issue 17, item 3).

``export`` writes the fields of a record (or the codes of a code list) as a sheet with
dropdowns; ``importer`` reads it back, checks every cell, rebuilds the schema block and
writes it into the Markdown with ``jsonedit`` (only the changed values' bytes change),
after proving the edited catalog passes what ``infostd check`` runs. ``columns`` is the
one table both directions share.
"""
