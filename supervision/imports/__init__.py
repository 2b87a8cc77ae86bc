"""Spreadsheet imports of the register: read, validate every row, plan, write all or nothing.

One code path for the console (upload → preview → confirm, large files in a background task) and
the commands `import_units` / `import_personnel`."""
