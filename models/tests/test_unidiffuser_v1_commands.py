"""The two commands: the published-size shape check and the exporter's error handling."""

import logging

import check_v1_shapes
import export_unidiffuser_v1


def test_published_sizes_match_every_key_shape_and_count():
    rows, problems = check_v1_shapes.run_checks()
    assert problems == []
    counts = {name: count for name, _, count, _, _ in rows}
    assert counts["uvit_v1"] == 952_509_520
    assert set(counts) == set(check_v1_shapes.PUBLISHED)


def test_shape_check_reports_a_wrong_layout():
    def wrong():
        shapes = check_v1_shapes.expected_uvit()
        shapes["pos_embed"] = (1, 1105, 1536)  # a v1 table with the data_type row folded in
        del shapes["pos_embed_token"]
        return shapes

    name, build, _ = check_v1_shapes.CHECKS[0]
    _, problems = check_v1_shapes.run_checks([(name, build, wrong)])
    assert "uvit_v1: extra pos_embed_token [1, 1, 1536]" in problems
    assert "uvit_v1: pos_embed: expected [1, 1105, 1536], built [1, 1104, 1536]" in problems


def test_exporter_exits_2_naming_a_missing_checkpoint(tmp_path, caplog):
    args = ["--uvit", str(tmp_path / "nope.pth"), "--autoencoder", "a", "--caption-decoder", "c",
            "--clip-text", "t", "--clip-vision", "v", "--gpt2", "g", "--out", str(tmp_path / "o")]
    with caplog.at_level(logging.ERROR):
        assert export_unidiffuser_v1.main(args) == 2
    assert f"checkpoint {tmp_path / 'nope.pth'} does not exist" in caplog.text
    assert not (tmp_path / "o").exists()
