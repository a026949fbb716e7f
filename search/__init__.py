"""Search: turns positions into moves and the statistics the GTP analysis shows."""
