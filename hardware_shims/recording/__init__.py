"""Recorded data: the session format (MCAP), public data sets, and importers that turn them
into sessions."""
