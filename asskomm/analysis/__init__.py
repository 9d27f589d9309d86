"""What the views show, derived from the records: filters, status at a date, figures, timeline, Kreise, sources."""
