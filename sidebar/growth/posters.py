"""An inviter's personal poster: the campaign's picture and words, "<name> 邀请你", and the QR of their own
code — drawn with Pillow, kept in the file store (``referral_posters/<campaign>/<code state>.png``) so
every host serves the same one and it is drawn once per code."""

from __future__ import annotations

import functools
import io
import os

from flask import current_app
from PIL import Image, ImageDraw, ImageFont

from sidebar.acquisition.codes import kept_image
from sidebar.core.files import files
from sidebar.models import Customer, ReferralCampaign, ReferralCode

WIDTH, HEIGHT = 750, 1200
# A CJK font: ``POSTER_FONT`` (config) or Debian's fonts-wqy-microhei (what CI installs) or Noto CJK.
FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return _font_from(str(current_app.config.get("POSTER_FONT") or ""), size)


@functools.cache
def _font_from(configured: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in (configured, *FONTS):
        if path and os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)  # no CJK font installed: Latin still reads


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
             width: int) -> list[str]:  # fmt: skip
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if draw.textlength(line + char, font=font) > width and line:
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines[:6]


def _background(campaign: ReferralCampaign) -> Image.Image:
    if campaign.poster_key and files().size(campaign.poster_key):
        with Image.open(io.BytesIO(b"".join(files().chunks(campaign.poster_key)))) as picture:
            return picture.convert("RGB").resize((WIDTH, HEIGHT))
    return Image.new("RGB", (WIDTH, HEIGHT), (250, 236, 238))


def draw(campaign: ReferralCampaign, code: ReferralCode, inviter: Customer) -> bytes:
    """The poster as PNG bytes."""
    image = _background(campaign)
    pen = ImageDraw.Draw(image)
    if not campaign.poster_key:  # no picture of the brand's: the campaign's name in large type
        for n, line in enumerate(_wrapped(pen, campaign.name, _font(64), WIDTH - 120)[:3]):
            pen.text((60, 160 + n * 90), line, font=_font(64), fill=(176, 48, 80))
    panel = (40, HEIGHT - 520, WIDTH - 40, HEIGHT - 40)
    pen.rounded_rectangle(panel, 24, fill=(255, 255, 255))
    name = (inviter.name or "好友")[:16]
    pen.text((80, panel[1] + 40), f"{name} 邀请你", font=_font(40), fill=(34, 34, 34))
    y = panel[1] + 110
    for line in _wrapped(pen, campaign.poster_text or campaign.name, _font(28), 300):
        pen.text((80, y), line, font=_font(28), fill=(96, 96, 96))
        y += 40
    qr = kept_image(code.qr_code, "referral_codes", code.state)
    if qr:
        with Image.open(io.BytesIO(qr)) as picture:
            image.paste(picture.convert("RGB").resize((260, 260)), (WIDTH - 340, panel[1] + 60))
    pen.text((WIDTH - 340, panel[1] + 340), "长按识别，添加顾问", font=_font(24), fill=(128, 128, 128))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def poster_png(campaign: ReferralCampaign, code: ReferralCode, inviter: Customer) -> bytes:
    """The inviter's poster, drawn the first time and kept."""
    key = f"referral_posters/{campaign.id}/{code.state}.png"
    store = files()
    if store.size(key):
        return b"".join(store.chunks(key))
    png = draw(campaign, code, inviter)
    store.put(key, io.BytesIO(png), "image/png")
    return png
