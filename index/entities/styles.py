"""How entity types look: one colour per type, the same in the CLI table and the app.

Colours are Rich style strings chosen to stay distinct on dark and light themes and
for the common colour-vision deficiencies (people/places/organisations differ in
hue *and* brightness); the legend should show the label next to the colour.
"""

from __future__ import annotations

TYPE_STYLES: dict[str, str] = {
    "PERSON": "bold #e69f00",  # orange
    "ORG": "bold #56b4e9",  # sky blue
    "GPE": "bold #009e73",  # bluish green
    "LOC": "#6ccfa8",  # light green (places that are not states)
    "NORP": "#cc79a7",  # reddish purple
    "EVENT": "bold #f0e442",  # yellow
    "FAC": "#d55e00",  # vermilion
    "LAW": "#b39ddb",  # lavender
    "DATE": "italic #999999",  # grey
}

TYPE_LABELS: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "country/city",
    "LOC": "place",
    "NORP": "nationality/group",
    "EVENT": "event",
    "FAC": "facility/object",
    "LAW": "law/agreement",
    "DATE": "date",
}
