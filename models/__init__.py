"""Data of the portal and the rules of the protocol about that data.

Nothing in this package imports Flask: views, Huey jobs and reports all call these functions.
"""
