"""The web app's configuration: the one loader both processes use lives in models.config."""

from models.config import load_config

__all__ = ["load_config"]
