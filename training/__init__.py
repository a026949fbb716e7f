"""Learning: shards over SGF collections (``dataset``), the supervised, policy-gradient and value
stages (``supervised``, ``reinforce``, ``value``) on one run skeleton (``run``: settings next to
the outputs, resume, log, plot, atomic checkpoints) with the settings sections they share
(``sections``: network shape, SGD, game), the policy-gradient estimators, resumable
training state and the fast rollout policy's training. Uses ``gogame``, ``nets`` and ``selfplay``."""
