"""A vendor simulator: a real HTTP server on 127.0.0.1 that imitates each vendor's API."""
