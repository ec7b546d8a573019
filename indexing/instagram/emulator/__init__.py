"""A small Instagram: OAuth consent page, token endpoints, /me, /me/media with paging, a CDN, fault switches.

Plain Python (wsgiref), no Django: `World` holds accounts, tokens and faults; `EmulatorServer`
serves it over HTTP. Started by `manage.py instagram_emulator`, by `make run` when no Instagram
app is configured, and by the tests and bench/crawl.py in a thread.
"""

from .photos import PhotoLibrary
from .server import EmulatorServer
from .world import Account, Faults, Media, World

__all__ = ["Account", "EmulatorServer", "Faults", "Media", "PhotoLibrary", "World"]
