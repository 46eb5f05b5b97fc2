"""The default unidiff model's components, training stages and bundle exporter (plain PyTorch)."""
