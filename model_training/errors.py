"""The one exception type for bad input from a user (a folder, a file, a CLI argument, a payload).

Its message is shown as is, so it must name what is wrong (the file, the column, the value) and, where it
helps, what to do. The CLI turns it into one line on stderr and a non-zero exit; never a traceback.
"""


class InputError(ValueError):
    """Bad input that the user can fix: the message says what and where."""
