"""The course's learning path as a diagram, one SVG per language.

A text-only diagram, so it is written as SVG directly: no plotting library,
and the output is the same bytes on every machine.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from scripts.figures.common import LANGUAGES, labels, number

MEASURED_ON: tuple[str, ...] = ()  # deterministic: the same bytes on every machine

# The labels: table [learning_path] of locales/figures/LANGUAGE.toml.

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 230, 56, 50, 46, 10
COLUMNS = 3
FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'Noto Sans', sans-serif"


def box_origin(index: int) -> tuple[int, int]:
    row, column = divmod(index, COLUMNS)
    return MARGIN + column * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y)


def arrow(path: str) -> str:
    return f'<path d="{path}" fill="none" stroke="#5c6bc0" stroke-width="2" marker-end="url(#head)"/>'


def render(steps: list[str], language: str) -> str:
    width = 2 * MARGIN + COLUMNS * BOX_W + (COLUMNS - 1) * GAP_X
    rows = -(-len(steps) // COLUMNS)
    height = 2 * MARGIN + rows * BOX_H + (rows - 1) * GAP_Y
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}">',
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#5c6bc0"/></marker></defs>',
    ]
    for index, step in enumerate(steps):
        x, y = box_origin(index)
        parts.append(f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="10" '
                     f'fill="#e8eaf6" stroke="#3f51b5" stroke-width="1.5"/>')
        parts.append(f'<text x="{x + BOX_W / 2}" y="{y + BOX_H / 2}" text-anchor="middle" '
                     f'dominant-baseline="central" font-size="16" fill="#1a237e">'
                     f'{number(index + 1, "d", language)}. {escape(step)}</text>')
    for index in range(len(steps) - 1):
        x, y = box_origin(index)
        nx, ny = box_origin(index + 1)
        if ny == y:  # next box on the same row: straight across
            parts.append(arrow(f"M{x + BOX_W},{y + BOX_H / 2} H{nx - 2}"))
        else:  # next row: down, back to its first column, down again
            middle = y + BOX_H + GAP_Y / 2
            parts.append(arrow(f"M{x + BOX_W / 2},{y + BOX_H} V{middle} H{nx + BOX_W / 2} V{ny - 2}"))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def compute(device: object, quick: bool) -> dict:
    # The JSON keeps every language's steps, as the figure's data; draw reads the labels themselves.
    steps = {language: labels(__name__, language)["steps"] for language in LANGUAGES}
    return {"steps": steps, "precision": "exact: text only"}


def draw(data: dict, language: str) -> str:
    return render(labels(__name__, language)["steps"], language)
