"""The platform layer: what every feature stands on and none owns: how a feature declares itself
(features.py), the database handle, the clock, the audit log, mail, notifications (inbox and email),
the personal-data and erasure interfaces, reviewable decisions and versions, markup, permissions,
locks, the site's address, request helpers and small shared pieces (text, pagination, form fields,
regions and sectors). Nothing here imports a feature or the app shell (tests/test_structure.py
checks it)."""
