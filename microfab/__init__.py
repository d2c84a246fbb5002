"""The microfab command line."""
