def N_(text: str) -> str:
    """Marks a user-facing string for translation (extracted by Babel); it is translated where it
    is shown, in the reader's language. models/ imports nothing from Flask."""
    return text
