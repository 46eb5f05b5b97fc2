"""An independent PyTorch reference of the inference pipeline, for parity with the Java library.

Written from ``unidiffuser-reference.md`` (schedule, DPM-Solver, tasks, guidance, side components,
beam search) and from the Java side's documented state layout, batch layout and noise order, not
from the Java code: the goldens it writes are only worth something if the two sides were derived
separately. It loads the recipe's own PyTorch modules (never the ONNX export), so a bug in the
exporter shows up as a parity failure instead of being shared by both sides.
"""
