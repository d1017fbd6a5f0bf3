"""Formatters: data in, text out. No database, no network."""
