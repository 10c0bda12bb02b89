"""Projects over HTTP: the core resources and one module per stage."""
