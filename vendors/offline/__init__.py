"""Offline providers: real, inspectable media made on this machine with installed packages only."""
