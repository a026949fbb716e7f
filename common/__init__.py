"""What every package may use and that is not Go: typed settings (:mod:`common.settings`) and
atomic file writes (:mod:`common.files`). Imports nothing else of Tengen's, and no torch."""
