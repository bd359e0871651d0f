"""The class names, spelled once: output row 0 is "negative", row 1 is "positive".

The dataset's labels are ``False``/``True`` (or 0/1), so ``CLASS_NAMES[int(label)]``
names a label and ``CLASS_NAMES[c]`` names output row ``c`` (``POSITIVE`` is 1).
"""

#: Class names in the order of the network's output rows.
CLASS_NAMES = ("negative", "positive")
#: The output rows: index 1 is "positive", as int(True) == 1.
POSITIVE, NEGATIVE = 1, 0
