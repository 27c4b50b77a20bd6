"""One-off script that drew the demo images in site/images/.

The images are committed, so this script is not part of the build and is not needed
at runtime. It is kept only so the images can be redrawn. It needs Pillow, which is
not a dependency of the project; run it from a throwaway virtual environment:

    python3 -m venv /tmp/demo-venv && /tmp/demo-venv/bin/pip install pillow
    /tmp/demo-venv/bin/python demo/make_images.py

Each lead image is an abstract composition (a soft gradient with a few translucent
shapes) whose colours depend on the article's section; the shapes are placed with a
random generator seeded by the file name, so the output is reproducible.
"""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "site" / "images"
SIZE = (600, 338)
LOGO_SIZE = (200, 48)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf")

Colour = tuple[int, int, int]

# Four gradient corners (top-left, top-right, bottom-left, bottom-right) and accents.
PALETTES: dict[str, tuple[list[Colour], list[Colour]]] = {
    "Europe": (
        [(22, 45, 94), (38, 92, 140), (30, 120, 138), (112, 178, 190)],
        [(240, 208, 120), (255, 255, 255), (150, 200, 230)],
    ),
    "Asia": (
        [(120, 24, 42), (196, 70, 52), (226, 128, 62), (248, 196, 120)],
        [(255, 236, 200), (90, 20, 40), (255, 170, 90)],
    ),
    "Africa": (
        [(150, 84, 30), (204, 130, 52), (120, 60, 34), (232, 186, 100)],
        [(250, 226, 160), (70, 40, 20), (200, 90, 50)],
    ),
    "Americas": (
        [(18, 84, 66), (40, 140, 110), (80, 160, 90), (190, 214, 120)],
        [(240, 240, 200), (20, 60, 50), (250, 200, 90)],
    ),
    "Economy": (
        [(40, 44, 70), (82, 70, 120), (60, 90, 120), (160, 150, 190)],
        [(230, 220, 250), (250, 190, 110), (120, 200, 210)],
    ),
}


def gradient(corners: list[Colour]) -> Image.Image:
    """Return a smooth four-corner gradient of SIZE."""
    seed = Image.new("RGB", (2, 2))
    seed.putdata(corners)
    return seed.resize(SIZE, Image.Resampling.BICUBIC)


def add_shapes(base: Image.Image, accents: list[Colour], rng: random.Random) -> Image.Image:
    """Draw a few translucent circles, bands and triangles over ``base``."""
    layer = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    width, height = SIZE
    for _ in range(rng.randint(2, 4)):
        r = rng.randint(40, 150)
        x, y = rng.randint(0, width), rng.randint(0, height)
        colour = (*rng.choice(accents), rng.randint(50, 110))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    for _ in range(rng.randint(1, 2)):
        y = rng.randint(40, height - 40)
        band = rng.randint(8, 26)
        colour = (*rng.choice(accents), rng.randint(40, 90))
        draw.rectangle((0, y, width, y + band), fill=colour)
    x = rng.randint(0, width)
    points = [(x, height), (x + rng.randint(120, 260), rng.randint(60, 200)), (width, height)]
    draw.polygon(points, fill=(*rng.choice(accents), 70))
    layer = layer.filter(ImageFilter.GaussianBlur(1.2))
    return Image.alpha_composite(base.convert("RGBA"), layer).convert("RGB")


def lead_image(section: str, name: str) -> Image.Image:
    """Return the abstract lead image for an article in ``section``."""
    corners, accents = PALETTES[section]
    rng = random.Random(name)
    return add_shapes(gradient(corners), accents, rng)


def logo() -> Image.Image:
    """Return the small wordmark used in the site header."""
    img = Image.new("RGB", LOGO_SIZE, (20, 32, 58))
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 19)
    draw.text((100, 22), "THE MERIDIAN", font=font, fill=(245, 240, 228), anchor="mm")
    draw.line((30, 38, 170, 38), fill=(214, 168, 80), width=2)
    return img


def main() -> None:
    """Redraw every lead image named in articles.toml, plus the logo."""
    data = tomllib.loads((HERE / "articles.toml").read_text(encoding="utf-8"))
    IMAGES.mkdir(parents=True, exist_ok=True)
    for article in data["articles"]:
        if article["image"]:
            img = lead_image(article["section"], article["image"])
            img.save(IMAGES / article["image"], "JPEG", quality=80, optimize=True, progressive=True)
    logo().save(IMAGES / "logo.png", "PNG", optimize=True)


if __name__ == "__main__":
    main()
