"""Every task of the library, on the recipe's PyTorch modules, as the Java ``Unidiff`` runs it.

What each task feeds (unidiffuser-reference.md section 4 and the Java API's documented wiring):

* text-to-image: prompt latent as the slot-0 text condition; plan [conditional, text
  marginalized]; the image latent is decoded.
* image-to-text: the input image's sampled VAE latent and CLIP embedding as the image
  condition; plan [conditional, image marginalized]; the text latent is beam-searched.
* joint, image only, text only: no givens.
* image variation: image-to-text, then text-to-image on the generated text latent (no words in
  between); text variation: text-to-image, then image-to-text on the generated image latent and
  CLIP token. Each stage has its own per-sample noise streams.
* group: captioned slots give their prompt latent; references give their sampled VAE latent and
  CLIP embedding, each from its own noise stream, fed clean (CONDITION) or re-noised (RENOISE).

Input images must already have the model's size: cropping and resampling are the Java side's
image code, tested there. Modules run in float32 (as the ONNX export does); the solver state and
the guidance arithmetic are float64.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from ..recipe import Components
from . import plans
from .beam import Hypothesis, beam_search
from .joint import CLIP, LATENT, TEXT_PART, GuidedJoint, JointSizes
from .plans import IMAGE, TEXT, Role
from .schedule import ContinuousVpSchedule
from .solver import DpmSolverSinglestep

LOGVAR_MIN, LOGVAR_MAX = -30.0, 20.0


@dataclass(frozen=True)
class Settings:
    """What the manifest says beside the weights: caption search, CLIP normalisation, data_type."""

    beam_size: int = 5
    max_new_tokens: int = 20
    eos_id: int = 2
    clip_mean: Tuple[float, float, float] = (0.5, 0.5, 0.5)
    clip_std: Tuple[float, float, float] = (0.5, 0.5, 0.5)
    clip_size: int = 64
    data_type: Optional[int] = None
    scaling_factor: Optional[float] = None
    schedule: Optional[dict] = None

    @staticmethod
    def from_manifest(doc: dict) -> "Settings":
        """Settings from a bundle's ``unidiff.json`` document."""
        pre = doc["clip_image"]["preprocess"]
        return Settings(beam_size=int(doc["caption"]["beam_size"]),
                        max_new_tokens=int(doc["caption"]["max_new_tokens"]),
                        eos_id=int(doc["caption"]["eos_id"]),
                        clip_mean=tuple(pre["mean"]), clip_std=tuple(pre["std"]),
                        clip_size=int(pre["size"]),
                        data_type=(doc.get("data_type") or {}).get("default"),
                        scaling_factor=float(doc["latent"]["scaling_factor"]),
                        schedule=doc["schedule"])


@dataclass
class TaskOutput:
    """Final latents per sample and slot (float64), and what the task decodes from them."""

    latents: List[List[Dict[str, np.ndarray]]]
    evaluations: int
    images: Optional[np.ndarray] = None      # decoded [N, (G,) 3, H, W] in about [-1, 1]
    captions: Optional[List[str]] = None
    caption_tokens: Optional[List[List[int]]] = None
    stages: Optional[List["TaskOutput"]] = None


def to_bytes(images: np.ndarray) -> np.ndarray:
    """[-1, 1] pixels to 8-bit levels as the Java side renders them: round half up, clamp."""
    v = (np.asarray(images, dtype=np.float64) + 1.0) * 127.5
    v = np.where(v > 0, v, 0.0)
    return np.minimum(255, np.floor(v + 0.5)).astype(np.uint8)


class ReferencePipeline:
    """The reference implementation of every task on one set of trained components."""

    def __init__(self, comp: Components, settings: Settings = Settings()) -> None:
        self.comp = comp.eval()
        for m in comp.modules().values():
            m.to(torch.device("cpu"))
        self.settings = settings
        if settings.scaling_factor is not None and not math.isclose(
                settings.scaling_factor, comp.scaling_factor, rel_tol=1e-6):
            raise ValueError(f"the manifest's scaling_factor {settings.scaling_factor} is not the "
                             f"checkpoint's {comp.scaling_factor}: bundle and run do not match")
        u = comp.uvit.config
        if u.use_data_type and settings.data_type is None:
            raise ValueError("this U-ViT takes data_type but the settings give no default")
        self.sizes = JointSizes(u.latent_channels, u.latent_height, u.latent_width, u.clip_dim,
                                u.text_tokens, u.text_dim)
        self.schedule = (ContinuousVpSchedule.from_manifest(settings.schedule)
                         if settings.schedule else ContinuousVpSchedule())
        self.image_size = comp.vae.config.image_size

    @staticmethod
    def from_work(work: Path, bundle: Optional[Path] = None) -> "ReferencePipeline":
        """Components of a finished training run; settings from the bundle exported from it."""
        from ..training import load_components
        comp = load_components(Path(work))
        if bundle is None:
            return ReferencePipeline(comp, Settings(
                max_new_tokens=comp.caption_decoder.config.max_new_tokens,
                eos_id=comp.tokenizer.eos_id, scaling_factor=comp.scaling_factor,
                data_type=comp.data_type_default))
        doc = json.loads((Path(bundle) / "unidiff.json").read_text(encoding="utf-8"))
        return ReferencePipeline(comp, Settings.from_manifest(doc))

    # ------------------------------------------------------------------------------ components

    def prompt_ids(self, prompt: str) -> np.ndarray:
        """``[BOS] words [EOS] [PAD]...`` to L ids; a prompt that would be cut is refused."""
        tok, length = self.comp.tokenizer, self.sizes.text_tokens
        words = tok.ids_of(prompt)
        if len(words) > length - 2:
            raise ValueError(f"prompt {prompt!r} has {len(words)} tokens; at most {length - 2} fit")
        return np.array(tok.encode_padded(prompt, length), dtype=np.int64)

    @torch.no_grad()
    def text_latents(self, ids: np.ndarray) -> np.ndarray:
        """Ids [B, L] to text latents [B, L, Dt] (encoder, then the width reduction)."""
        t = torch.from_numpy(np.asarray(ids, dtype=np.int64))
        return self.comp.reduction(self.comp.clip.text_encoder(t)).numpy()

    def vae_pixels(self, images: np.ndarray) -> np.ndarray:
        """uint8 [B, H, W, 3] at the model's size to [B, 3, H, W] in [-1, 1] (float32)."""
        images = self._check_images(images)
        return (images.astype(np.float32) / np.float32(255.0) * np.float32(2.0)
                - np.float32(1.0)).transpose(0, 3, 1, 2).copy()

    def clip_pixels(self, images: np.ndarray) -> np.ndarray:
        """uint8 images to the image encoder's normalised input [B, 3, S, S]."""
        images = self._check_images(images)
        if self.settings.clip_size != images.shape[1]:
            raise ValueError(f"the reference takes images of the CLIP size "
                             f"{self.settings.clip_size} only, got {images.shape[1]}")
        v = images.astype(np.float32) / np.float32(255.0)
        mean = np.array(self.settings.clip_mean, dtype=np.float64)
        std = np.array(self.settings.clip_std, dtype=np.float64)
        return ((v.astype(np.float64) - mean) / std).astype(np.float32).transpose(0, 3, 1, 2).copy()

    def _check_images(self, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images)
        s = self.image_size
        if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1:] != (s, s, 3):
            raise ValueError(f"images must be uint8 [B, {s}, {s}, 3] (the model's size; the Java "
                             f"side crops and resizes), got {images.dtype} {list(images.shape)}")
        return images

    @torch.no_grad()
    def vae_moments(self, pixels: np.ndarray) -> np.ndarray:
        """[B, 3, H, W] in [-1, 1] to moments [B, 2C, h, w]."""
        return self.comp.vae.moments(torch.from_numpy(pixels)).numpy()

    def vae_sample(self, moments: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """``sf * (mean + exp(0.5 clamp(logvar)) * noise)`` of one image's moments [2C, h, w]."""
        c = self.sizes.channels
        m = np.asarray(moments, dtype=np.float64)
        mean, logvar = m[:c], np.clip(m[c:], LOGVAR_MIN, LOGVAR_MAX)
        z = mean + np.exp(0.5 * logvar) * np.asarray(noise, np.float64).reshape(mean.shape)
        return (self.comp.scaling_factor * z).astype(np.float32)

    @torch.no_grad()
    def image_embeds(self, clip_pixels: np.ndarray) -> np.ndarray:
        """Normalised pixels [B, 3, S, S] to CLIP embeddings [B, Dc]."""
        return self.comp.clip.image_encoder(torch.from_numpy(clip_pixels)).numpy()

    @torch.no_grad()
    def decode_images(self, latents: np.ndarray) -> np.ndarray:
        """Latents in the diffusion scale [B, C, h, w] to images [B, 3, H, W]."""
        z = np.asarray(latents, dtype=np.float32) * np.float32(1.0 / self.comp.scaling_factor)
        return self.comp.vae.decoder(torch.from_numpy(z)).numpy()

    @torch.no_grad()
    def decoder_logits(self, latents: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Text latents [B, L, Dt] and ids [B, T] to logits [B, T, V] (token i's at i)."""
        return self.comp.caption_decoder(torch.from_numpy(np.asarray(latents, np.float32)),
                                         torch.from_numpy(np.asarray(ids, np.int64))).numpy()

    def beams(self, latent: np.ndarray) -> List[Hypothesis]:
        """Beam search on one text latent [L, Dt], best first."""
        s = self.settings
        lat = np.asarray(latent, dtype=np.float32).reshape(1, self.sizes.text_tokens,
                                                           self.sizes.text_dim)

        def next_logits(prefixes):
            k = len(prefixes[0])
            # k generated ids and one placeholder; position k holds the next token's logits.
            ids = np.array([list(p) + [s.eos_id] for p in prefixes], dtype=np.int64)
            ids = ids.reshape(-1, k + 1)
            logits = self.decoder_logits(np.repeat(lat, len(prefixes), axis=0), ids)
            return logits[:, k]

        return beam_search(next_logits, s.beam_size, s.max_new_tokens, s.eos_id)

    def caption(self, latent: np.ndarray) -> Tuple[str, List[int]]:
        """The best beam's words and ids (without the end token)."""
        best = self.beams(latent)[0]
        return self.comp.tokenizer.decode(best.content), list(best.content)

    @torch.no_grad()
    def net(self, img, clip, text, t_img, t_text, data_type=None):
        """The joint noise predictor on numpy arrays (float32 in, float32 out)."""
        dt = None if data_type is None else torch.from_numpy(data_type)
        out = self.comp.uvit(torch.from_numpy(img), torch.from_numpy(clip), torch.from_numpy(text),
                             torch.from_numpy(t_img), torch.from_numpy(t_text), dt)
        return tuple(o.numpy() for o in out)

    # ------------------------------------------------------------------------------ task pieces

    def prompt_latent(self, prompt: str) -> np.ndarray:
        """A prompt's text latent, flattened (L*Dt), float64 of the float32 values."""
        return self.text_latents(self.prompt_ids(prompt)[None])[0].astype(np.float64).reshape(-1)

    def encode_image(self, image: np.ndarray, stream) -> np.ndarray:
        """One uint8 image [H, W, 3] to the image stream's value: sampled latent, then CLIP."""
        moments = self.vae_moments(self.vae_pixels(image[None]))[0]
        latent = self.vae_sample(moments, stream.next(self.sizes.latent_size))
        clip = self.image_embeds(self.clip_pixels(image[None]))[0]
        return np.concatenate([latent.reshape(-1), clip.reshape(-1)]).astype(np.float64)

    def sample(self, plan: plans.Plan, streams: Sequence, steps: int, guidance: float,
               givens: Optional[Dict] = None) -> TaskOutput:
        """Runs one plan with the reference solver; returns the split final state."""
        model = GuidedJoint(plan, self.sizes, self.schedule, self.net, guidance, streams, givens,
                            data_type=self.settings.data_type)
        solver = DpmSolverSinglestep(self.schedule, steps)
        end = solver.sample(model, model.initial_state())
        return TaskOutput(latents=model.split(end), evaluations=model.evaluations)

    def _decode_slot(self, out: TaskOutput, slot: int = 0) -> np.ndarray:
        z = np.stack([s[slot][LATENT] for s in out.latents]).astype(np.float32)
        return self.decode_images(z)

    def _captions(self, out: TaskOutput) -> TaskOutput:
        found = [self.caption(s[0][TEXT_PART]) for s in out.latents]
        out.captions = [c for c, _ in found]
        out.caption_tokens = [t for _, t in found]
        return out

    # ------------------------------------------------------------------------------ tasks

    def text_to_image(self, prompt: str, streams, steps: int, guidance: float) -> TaskOutput:
        """Images for a prompt."""
        out = self.sample(plans.text_to_image(), streams, steps, guidance,
                          {(0, TEXT): self.prompt_latent(prompt)})
        out.images = self._decode_slot(out)
        return out

    def image_to_text(self, image: np.ndarray, image_stream, streams, steps: int,
                      guidance: float) -> TaskOutput:
        """Captions of an image; ``image_stream`` is the VAE sample's noise."""
        cond = self.encode_image(image, image_stream)
        out = self.sample(plans.image_to_text(), streams, steps, guidance, {(0, IMAGE): cond})
        return self._captions(out)

    def joint(self, streams, steps: int, guidance: float) -> TaskOutput:
        """Image and caption pairs."""
        out = self.sample(plans.joint(), streams, steps, guidance)
        out.images = self._decode_slot(out)
        return self._captions(out)

    def image_only(self, streams, steps: int, guidance: float) -> TaskOutput:
        """Unconditional images (one pass; guidance has nothing to act on)."""
        out = self.sample(plans.image_only(), streams, steps, guidance)
        out.images = self._decode_slot(out)
        return out

    def text_only(self, streams, steps: int, guidance: float) -> TaskOutput:
        """Unconditional captions."""
        return self._captions(self.sample(plans.text_only(), streams, steps, guidance))

    def image_variation(self, image: np.ndarray, image_stream, streams_first, streams_second,
                        steps: int, guidance: float) -> TaskOutput:
        """Image to text latent to images, the latent passed on without decoding."""
        cond = self.encode_image(image, image_stream)
        first = self.sample(plans.image_to_text(), streams_first, steps, guidance,
                            {(0, IMAGE): cond})
        texts = np.stack([s[0][TEXT_PART].reshape(-1) for s in first.latents])
        second = self.sample(plans.text_to_image(), streams_second, steps, guidance,
                             {(0, TEXT): texts})
        second.images = self._decode_slot(second)
        second.stages = [first, second]
        return second

    def text_variation(self, prompt: str, streams_first, streams_second, steps: int,
                       guidance: float) -> TaskOutput:
        """Text to image latents to captions, the latents passed on without decoding."""
        first = self.sample(plans.text_to_image(), streams_first, steps, guidance,
                            {(0, TEXT): self.prompt_latent(prompt)})
        values = np.stack([np.concatenate([s[0][LATENT].reshape(-1), s[0][CLIP].reshape(-1)])
                           for s in first.latents])
        second = self._captions(self.sample(plans.image_to_text(), streams_second, steps, guidance,
                                            {(0, IMAGE): values}))
        second.stages = [first, second]
        return second

    def group(self, slots: Sequence[Tuple[str, Optional[np.ndarray]]], renoise: bool,
              reference_streams: Dict[int, object], streams, steps: int,
              guidance: float, guide_by_references: bool = True) -> TaskOutput:
        """Grouped generation. ``slots[i]`` is (caption or "", reference image or None);
        ``reference_streams[i]`` is the VAE noise of slot i's reference; guidance drops the
        references as well as the captions unless ``guide_by_references`` is false."""
        givens, plan_slots = {}, []
        for i, (caption, reference) in enumerate(slots):
            if caption:
                givens[(i, TEXT)] = self.prompt_latent(caption)
            if reference is None:
                plan_slots.append((Role.GENERATE, bool(caption)))
            else:
                givens[(i, IMAGE)] = self.encode_image(reference, reference_streams[i])
                plan_slots.append((Role.RENOISE if renoise else Role.CONDITION, bool(caption)))
        out = self.sample(plans.group(plan_slots, guide_by_references), streams, steps, guidance, givens)
        generated = [i for i, (_, ref) in enumerate(slots) if ref is None]
        out.images = np.stack([self._decode_slot(out, i) for i in generated], axis=1)
        return out
