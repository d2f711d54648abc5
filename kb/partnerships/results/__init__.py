"""A health-check round's results: tallies, the disclosure rule that keeps any figure about fewer
than the minimum from being shown or worked out, charts, trends across rounds, the report and CSV."""
