"""Data of the portal and the rules of the protocol about that data.

Nothing in this package imports Flask: views, Huey jobs and reports all call these functions.
"""

# The status follows the work (models.casework listens to every new timeline entry), whichever
# entry point loaded the models: a page, a Huey job or a command.
from models import casework  # noqa: E402, F401
