"""The app's screens: search (home), reading, help; compare lives in compare.py."""
