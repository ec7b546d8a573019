"""The one error of people's services."""


class PeopleError(Exception):
    """A people change that cannot be done; `str(e)` is for the user."""
