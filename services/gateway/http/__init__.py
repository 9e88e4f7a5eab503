"""The HTTP edge (aiohttp): server, middleware, errors, authentication, declared operations."""
