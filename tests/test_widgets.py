"""The in-page widgets, in Chromium, against the Python they stand for.

The KV-cache calculator must give the bytes llmtriad.memory gives, and the mask
explorer the matrices llmtriad.masks gives, on a table of cases; a wrong input
must get the message of the page's language, never NaN.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest
import torch
from playwright.sync_api import Browser, Page

from llmtriad import masks
from llmtriad.memory import PRESETS, CacheShape, preset_cache_bytes
from scripts import languages
from tests.conftest import LANGUAGES, ROOT

pytestmark = pytest.mark.browser

KV = "[data-course-widget='kv-calculator']"
MASK = "[data-course-widget='mask-explorer']"


def texts(language: str) -> dict[str, dict[str, str]]:
    return tomllib.loads((ROOT / "locales" / "widgets" / f"{language}.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pages(browser: Browser, site_url: str) -> Iterator[dict[str, Page]]:
    """The KV-cache and masks chapters, opened once in every language."""
    context = browser.new_context()
    opened = {}
    for language in LANGUAGES:
        for chapter in ("kv-cache/", "masks/"):
            page = context.new_page()
            page.goto(site_url + languages.site_folder(language) + chapter, wait_until="load")
            page.wait_for_selector("[data-course-widget][data-ready='true']")
            opened[language + ":" + chapter] = page
    yield opened
    context.close()


def set_fields(page: Page, root: str, values: dict[str, str]) -> None:
    for selector, value in values.items():
        element = page.locator(f"{root} #{selector}")
        if element.evaluate("e => e.tagName") == "SELECT":
            element.select_option(value)
        else:
            element.fill(value)


# --- The KV-cache calculator -------------------------------------------------------------


def calculator_bytes(page: Page, values: dict[str, str]) -> int | None:
    set_fields(page, KV, values)
    shown = page.get_attribute(KV, "data-bytes")
    return int(shown) if shown else None


@pytest.mark.parametrize("preset", list(PRESETS))
@pytest.mark.parametrize("tokens, batch, bits", [(8192, 1, 16), (100_000, 8, 8), (131_072, 3, 4)])
def test_every_preset_gives_what_llmtriad_gives(pages, preset: str, tokens: int, batch: int, bits: int) -> None:
    page = pages["en:kv-cache/"]
    got = calculator_bytes(page, {"kv-model": preset, "kv-bits": str(bits), "kv-context": str(tokens),
                                  "kv-batch": str(batch)})
    assert got == preset_cache_bytes(PRESETS[preset], tokens, batch, bits)


CUSTOM = [  # (widget fields, the same geometry for llmtriad)
    ({"kv-attention": "standard", "kv-layers": "24", "kv-query-heads": "16", "kv-kv-heads": "4", "kv-head-dim": "64",
      "kv-window": ""}, CacheShape("custom", layers=24, kv_heads=4, head_dim=64)),
    ({"kv-attention": "standard", "kv-layers": "32", "kv-query-heads": "32", "kv-kv-heads": "8", "kv-head-dim": "128",
      "kv-window": "4096"}, CacheShape("custom", layers=32, kv_heads=8, head_dim=128, window=4096)),
    ({"kv-attention": "latent", "kv-layers": "61", "kv-latent-dim": "512", "kv-rope-dim": "64"},
     CacheShape("custom", layers=61, latent_dim=512, rope_dim=64)),
]


@pytest.mark.parametrize("fields, shape", CUSTOM)
@pytest.mark.parametrize("tokens", [1, 3000, 200_000])
def test_a_custom_geometry_gives_what_llmtriad_gives(pages, fields, shape: CacheShape, tokens: int) -> None:
    page = pages["en:kv-cache/"]
    got = calculator_bytes(page, {"kv-model": "custom", **fields, "kv-bits": "16", "kv-context": str(tokens),
                                  "kv-batch": "2"})
    assert got == preset_cache_bytes(shape, tokens, 2, 16)


def calculator_message(page: Page) -> str:
    return page.locator(f"{KV} .course-widget__message").inner_text().strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_wrong_calculator_input_gets_a_message_in_the_page_language(pages, language: str) -> None:
    page, text = pages[language + ":kv-cache/"], texts(language)
    set_fields(page, KV, {"kv-model": "llama-3-8b", "kv-bits": "16", "kv-batch": "1"})
    label = text["kv-calculator"]["context"]
    for value, expected in [("", text["common"]["empty"].format(field=label)),
                            ("-5", text["common"]["negative"].format(field=label)),
                            ("1.5", text["common"]["not_integer"].format(field=label)),
                            ("12abc", text["common"]["not_integer"].format(field=label))]:
        assert calculator_bytes(page, {"kv-context": value}) is None
        assert calculator_message(page) == expected
        assert "NaN" not in page.locator(KV).inner_text()
    # Heads that do not divide, and 4-bit numbers that leave half a byte (llmtriad refuses both).
    set_fields(page, KV, {"kv-context": "1000", "kv-model": "custom", "kv-attention": "standard", "kv-layers": "2",
                          "kv-query-heads": "12", "kv-kv-heads": "5", "kv-head-dim": "64", "kv-window": ""})
    assert calculator_message(page) == text["kv-calculator"]["heads_divide"].format(query=12, kv=5)
    set_fields(page, KV, {"kv-attention": "latent", "kv-layers": "1", "kv-latent-dim": "1", "kv-rope-dim": "0",
                          "kv-context": "1", "kv-bits": "4"})
    assert calculator_message(page) == text["kv-calculator"]["odd_int4"]
    with pytest.raises(ValueError, match="do not fill whole bytes"):
        preset_cache_bytes(CacheShape("odd", layers=1, latent_dim=1, rope_dim=0), 1, 1, 4)
    # Right again: the result comes back.
    set_fields(page, KV, {"kv-bits": "16"})
    assert calculator_message(page) == "" and page.get_attribute(KV, "data-bytes") == "2"


# --- The mask explorer ------------------------------------------------------------------------


def as_text(mask: torch.Tensor) -> str:
    return "/".join("".join("1" if on else "0" for on in row) for row in mask.tolist())


MASK_CASES = [
    ({"mask-kind": "bidirectional", "mask-length": "5"}, masks.bidirectional_mask(5)),
    ({"mask-kind": "causal", "mask-queries": "3", "mask-keys": "8", "mask-align": "bottom_right"},
     masks.causal_mask(3, 8, align="bottom_right")),
    ({"mask-kind": "causal", "mask-queries": "3", "mask-keys": "8", "mask-align": "top_left"},
     masks.causal_mask(3, 8, align="top_left")),
    ({"mask-kind": "causal", "mask-queries": "6", "mask-keys": "4", "mask-align": "bottom_right"},
     masks.causal_mask(6, 4, align="bottom_right")),
    ({"mask-kind": "prefix", "mask-length": "8", "mask-prefix-len": "3"}, masks.prefix_lm_mask(8, 3)),
    ({"mask-kind": "prefix", "mask-length": "5", "mask-prefix-len": "0"}, masks.prefix_lm_mask(5, 0)),
    ({"mask-kind": "prefix", "mask-length": "5", "mask-prefix-len": "5"}, masks.prefix_lm_mask(5, 5)),
    ({"mask-kind": "sliding", "mask-length": "9", "mask-window": "3"}, masks.sliding_window_mask(9, 3)),
    ({"mask-kind": "sliding", "mask-length": "4", "mask-window": "10"}, masks.sliding_window_mask(4, 10)),
    ({"mask-kind": "cross", "mask-decoder-len": "4", "mask-encoder-len": "6", "mask-encoder-real": "4"},
     masks.cross_attention_mask(torch.tensor([4]), torch.tensor([4]), 4, 6)[0]),
    ({"mask-kind": "block", "mask-seq-len": "8", "mask-block-size": "2"}, masks.block_diffusion_mask(8, 2)),
    ({"mask-kind": "block", "mask-seq-len": "6", "mask-block-size": "3"}, masks.block_diffusion_mask(6, 3)),
    ({"mask-kind": "block", "mask-seq-len": "4", "mask-block-size": "1"}, masks.block_diffusion_mask(4, 1)),
]


@pytest.mark.parametrize("fields, expected", MASK_CASES)
def test_the_explorer_draws_what_llmtriad_builds(pages, fields: dict[str, str], expected: torch.Tensor) -> None:
    page = pages["en:masks/"]
    set_fields(page, MASK, fields)
    assert page.get_attribute(MASK, "data-mask") == as_text(expected)
    assert page.locator(f"{MASK} .course-widget__matrix span").count() == expected.numel()


@pytest.mark.parametrize("language", LANGUAGES)
def test_wrong_explorer_input_gets_a_message_in_the_page_language(pages, language: str) -> None:
    page, text = pages[language + ":masks/"], texts(language)
    message = page.locator(f"{MASK} .course-widget__message")
    explorer = text["mask-explorer"]
    set_fields(page, MASK, {"mask-kind": "block", "mask-seq-len": "7", "mask-block-size": "2"})
    assert message.inner_text().strip() == explorer["not_multiple"].format(n=7, size=2)
    assert page.get_attribute(MASK, "data-mask") == ""
    set_fields(page, MASK, {"mask-kind": "prefix", "mask-length": "5", "mask-prefix-len": "7"})
    assert message.inner_text().strip() == text["common"]["too_large"].format(field=explorer["prefix_len"], max=5)
    set_fields(page, MASK, {"mask-prefix-len": "two"})
    assert message.inner_text().strip() == text["common"]["not_integer"].format(field=explorer["prefix_len"])
    # A window wider than the sequence is allowed: it is the causal mask, and the explorer says so.
    set_fields(page, MASK, {"mask-kind": "sliding", "mask-length": "4", "mask-window": "10"})
    assert message.inner_text().strip() == ""
    assert page.locator(f"{MASK} .course-widget__note").inner_text().strip() == explorer["window_covers"]
    assert "NaN" not in page.locator(MASK).inner_text()
