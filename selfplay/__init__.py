"""Self-play and matches: games between players or GTP engines, results and strength."""
