"""What every package may use and that is not Go: the one typed settings mechanism
(``settings``: nested frozen dataclasses set from TOML and ``key=value``) and atomic file writes
(``files``). Imports nothing else of Tengen's, and no torch."""
