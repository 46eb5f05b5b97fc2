"""Weights read back from an exported VAE: every parameter, norms included, and refusals."""

import json
from pathlib import Path

import onnx
import pytest
import torch
from torch import nn

import finetune_decoder
from unidiff_models.export import _dyn, export_onnx
from unidiff_models.onnx_import import load_onnx_weights
from unidiff_models.vae import Vae, VaeConfig

CONFIG = VaeConfig(image_size=16, latent_channels=4, base_channels=8, downsamples=2)


def _randomised(seed: int) -> Vae:
    """A VAE whose every parameter, norm affines included, is random (so none is at its init)."""
    torch.manual_seed(seed)
    vae = Vae(CONFIG)
    with torch.no_grad():
        for p in vae.parameters():
            p.copy_(torch.randn_like(p) * 0.3)
    return vae.eval()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A random VAE and its encoder and decoder exported as a bundle would be."""
    vae = _randomised(1)
    out = tmp_path_factory.mktemp("vae")
    export_onnx(vae.encoder, [torch.randn(2, 3, 16, 16)], out / "vae_encoder" / "model.onnx",
                ["image"], ["moments"], _dyn(["image", "moments"], {0: "B"}))
    export_onnx(vae.decoder, [torch.randn(2, 4, 4, 4)], out / "vae_decoder" / "model.onnx",
                ["latent"], ["image"], _dyn(["latent", "image"], {0: "B"}))
    return vae, out


def test_every_parameter_comes_back_exactly(exported):
    vae, out = exported
    other = _randomised(2)
    load_onnx_weights(other.encoder, out / "vae_encoder" / "model.onnx")
    load_onnx_weights(other.decoder, out / "vae_decoder" / "model.onnx")
    want, got = vae.state_dict(), other.state_dict()
    assert want.keys() == got.keys()
    for name in want:
        assert torch.equal(want[name], got[name]), name
    z = torch.randn(3, 4, 4, 4)
    with torch.no_grad():
        assert torch.equal(vae.decoder(z), other.decoder(z))


def test_a_graph_of_another_architecture_is_refused(exported):
    _, out = exported
    wider = Vae(VaeConfig(image_size=16, latent_channels=4, base_channels=16, downsamples=2))
    with pytest.raises(ValueError, match="shape"):
        load_onnx_weights(wider.decoder, out / "vae_decoder" / "model.onnx")
    extra_norm = nn.Sequential(wider.decoder.net[0], nn.GroupNorm(8, 8))
    with pytest.raises(ValueError, match="norm affine pairs"):
        load_onnx_weights(extra_norm, out / "vae_decoder" / "model.onnx")


def test_the_config_is_read_from_manifest_and_encoder(exported, tmp_path):
    _, out = exported
    (out / "unidiff.json").write_text(json.dumps(
        {"image": {"height": 16, "width": 16},
         "latent": {"channels": 4, "height": 4, "width": 4}}), encoding="utf-8")
    assert finetune_decoder.vae_config(out) == CONFIG
    loaded = finetune_decoder.load_vae(out)
    assert not loaded.training


def test_an_existing_out_directory_is_refused(exported, tmp_path):
    _, out = exported
    taken = tmp_path / "taken"
    taken.mkdir()
    with pytest.raises(SystemExit, match="exists"):
        finetune_decoder.main(["--bundle", str(out), "--data", str(tmp_path / "none"),
                               "--work", str(tmp_path / "work"), "--out", str(taken)])
    assert not (tmp_path / "work").exists()
