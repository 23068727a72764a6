"""Systems measurements: run them, read the numbers."""
