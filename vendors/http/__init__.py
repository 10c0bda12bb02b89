"""HTTP adapters that speak each vendor's real API (see ../shared/docs/vendors.md)."""
