"""Networks: architectures from a frozen NetConfig, versioned checkpoints, batched evaluation."""
