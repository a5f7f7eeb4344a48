"""Widgets the screens are built from; each renders article text as data, never markup."""
