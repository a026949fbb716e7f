"""The engine's own games and games between engines: policy networks playing in lockstep
(``lockstep``, the RL and value stages' games), the match referee between GTP engines with
colours alternating and every game's SGF kept (``match``), and expert games between GTP engines
as training data (``expert``). Uses ``gogame``, ``nets``, ``search`` and ``gtp``'s client."""
