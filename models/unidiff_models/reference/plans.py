"""Tasks as passes of roles (unidiffuser-reference.md section 4 and the group rules).

Each pass gives every slot an (image role, text role). Pass 0 is the conditional pass and its
GENERATE parts are the solved state; a guided (slot, stream) names the pass holding its
unconditional prediction. The pass order of each task is part of the noise order, so it follows
the Java ``TaskPlan`` Javadoc: text-to-image and groups [conditional, text marginalized];
image-to-text [conditional, image marginalized]; joint [conditional, image marginalized (the
text's counterpart), text marginalized (the image's counterpart)].
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple


class Role(enum.Enum):
    """Where a (slot, stream)'s input comes from in one pass, and at which timestep."""

    GENERATE = "generate"        # the current state at 1000 t
    CONDITION = "condition"      # a given clean value at 0
    EMPTY = "empty"              # the empty prompt's latent, clean at 0
    MARGINALIZE = "marginalize"  # fresh N(0, 1) noise at 1000, drawn at every evaluation
    RENOISE = "renoise"          # alpha(t) ref + sigma(t) fresh noise at 1000 t

    @property
    def draws_noise(self) -> bool:
        """Whether the role draws fresh noise at every evaluation."""
        return self in (Role.MARGINALIZE, Role.RENOISE)


IMAGE, TEXT = "image", "text"
STREAMS = (IMAGE, TEXT)
Slot = Tuple[Role, Role]


@dataclass(frozen=True)
class Plan:
    """Passes (each a list of per-slot (image role, text role)) and the guidance links."""

    name: str
    passes: Tuple[Tuple[Slot, ...], ...]
    guidance: Dict[Tuple[int, str], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.passes:
            raise ValueError(f"plan {self.name!r} has no passes")
        g = len(self.passes[0])
        if any(len(p) != g for p in self.passes):
            raise ValueError(f"plan {self.name!r}: every pass needs {g} slots")
        for (slot, stream), p in self.guidance.items():
            if self.role(0, slot, stream) is not Role.GENERATE or \
                    self.role(p, slot, stream) is not Role.GENERATE:
                raise ValueError(f"plan {self.name!r}: slot {slot} {stream} is guided by pass {p} "
                                 f"but is not generated in both passes")

    @property
    def group_size(self) -> int:
        """Slots per row."""
        return len(self.passes[0])

    def role(self, pass_index: int, slot: int, stream: str) -> Role:
        """The role of (slot, stream) in a pass."""
        return self.passes[pass_index][slot][STREAMS.index(stream)]

    def generates(self, slot: int, stream: str) -> bool:
        """Whether (slot, stream) is part of the solved state."""
        return self.role(0, slot, stream) is Role.GENERATE


def _plan(name: str, passes: Sequence[Sequence[Slot]], guidance=None) -> Plan:
    return Plan(name, tuple(tuple(p) for p in passes), dict(guidance or {}))


def text_to_image(empty_prompt: bool = False) -> Plan:
    """Image and CLIP token generated given the prompt; unconditional text is noise (or empty)."""
    unc = Role.EMPTY if empty_prompt else Role.MARGINALIZE
    return _plan("text-to-image", [[(Role.GENERATE, Role.CONDITION)], [(Role.GENERATE, unc)]],
                 {(0, IMAGE): 1})


def image_to_text() -> Plan:
    """Text generated given the encoded image; the unconditional pass marginalizes the image."""
    return _plan("image-to-text", [[(Role.CONDITION, Role.GENERATE)],
                                   [(Role.MARGINALIZE, Role.GENERATE)]], {(0, TEXT): 1})


def joint() -> Plan:
    """Both generated; three passes."""
    return _plan("joint", [[(Role.GENERATE, Role.GENERATE)], [(Role.MARGINALIZE, Role.GENERATE)],
                           [(Role.GENERATE, Role.MARGINALIZE)]], {(0, TEXT): 1, (0, IMAGE): 2})


def image_only() -> Plan:
    """Unconditional image: text marginalized, one pass."""
    return _plan("image", [[(Role.GENERATE, Role.MARGINALIZE)]])


def text_only() -> Plan:
    """Unconditional text: image marginalized, one pass."""
    return _plan("text", [[(Role.MARGINALIZE, Role.GENERATE)]])


def group(slots: Sequence[Tuple[Role, bool]], guide_by_references: bool = True) -> Plan:
    """Grouped generation from per-slot (image role, captioned).

    Image roles: GENERATE, CONDITION (clean reference) or RENOISE (re-noised reference). One
    unconditional pass marginalizes every caption and, with ``guide_by_references``, every
    reference too; it guides every generated image. With nothing to drop there is only the
    conditional pass (Java: ``TaskPlan.group``).
    """
    if not slots:
        raise ValueError("a group needs at least 1 slot, got 0")
    cond: List[Slot] = []
    for i, (image, captioned) in enumerate(slots):
        if image not in (Role.GENERATE, Role.CONDITION, Role.RENOISE):
            raise ValueError(f"slot {i}: image role must be GENERATE, CONDITION or RENOISE, "
                             f"got {image}")
        cond.append((image, Role.CONDITION if captioned else Role.MARGINALIZE))
    if not any(image is Role.GENERATE for image, _ in cond):
        raise ValueError(f"a group of {len(slots)} slots has nothing to generate")
    drop_references = guide_by_references and any(image is not Role.GENERATE for image, _ in cond)
    if not any(captioned for _, captioned in slots) and not drop_references:
        return _plan("group", [cond])
    unc = [(image if image is Role.GENERATE or not drop_references else Role.MARGINALIZE, Role.MARGINALIZE)
           for image, _ in cond]
    links = {(g, IMAGE): 1 for g, (image, _) in enumerate(cond) if image is Role.GENERATE}
    return _plan("group", [cond, unc], links)
