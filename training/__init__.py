"""Training: supervised policy learning, policy-gradient RL, value learning, datasets, metrics."""
