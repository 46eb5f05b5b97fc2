"""Export of the published UniDiffuser v1 weights into a unidiff bundle.

Each module here rebuilds one published network in plain PyTorch with the exact key layout of
its checkpoint, so the weights load strictly; the joint transformer reuses
``unidiff_models.uvit``.
"""
