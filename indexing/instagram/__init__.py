"""Instagram: the only code that talks to it (OAuth backend, Graph API client, the crawl) and its emulator."""
