"""Image uploads: fully decoded with Pillow within a pixel cap (decompression bombs), and
re-encoded without metadata (orientation applied; EXIF, GPS, XMP, comments and ICC dropped)."""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, ImageSequence

from dangqun.core.uploads.refusals import corrupt

PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
MAX_PIXELS = 50_000_000  # summed over an animation's frames
KEEP_IMAGE_INFO = ("transparency", "duration", "loop", "background")


def check_image(data: bytes, name: str, kind: str) -> str:
    decode_frames(data, name, kind, keep=False)
    return kind


def decode_frames(data: bytes, name: str, kind: str, keep: bool) -> list[Image.Image]:
    """Every frame decoded (orientation applied when ``keep``), within ``MAX_PIXELS``.

    A phone's JPEG may be an MPO whose further frames are previews with their own EXIF: only
    the first frame of a JPEG is kept.
    """
    bomb = ValidationError(
        f"图片「{name}」像素过多（上限 {MAX_PIXELS // 10_000} 万像素），可能是解压炸弹", code="bomb"
    )
    frames, pixels = [], 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]])
            for frame in ImageSequence.Iterator(image):
                pixels += frame.width * frame.height
                if pixels > MAX_PIXELS:
                    raise bomb
                frame.load()
                if keep and not (kind == "jpeg" and frames):
                    frames.append(ImageOps.exif_transpose(frame))
    except Image.DecompressionBombError:
        raise bomb from None
    except ValidationError:
        raise
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, EOFError, struct.error…
        raise corrupt(name, "图片") from None
    return frames


def strip_image(data: bytes, kind: str, name: str) -> bytes:
    frames = decode_frames(data, name, kind, keep=True)
    for frame in frames:
        frame.info = {k: v for k, v in frame.info.items() if k in KEEP_IMAGE_INFO}
    options = {"format": PIL_FORMATS[kind]}
    if kind in ("jpeg", "webp"):
        options["quality"] = 90
    if len(frames) > 1:
        durations = [frame.info.get("duration", 100) for frame in frames]
        loop = frames[0].info.get("loop", 0)
        options.update(save_all=True, append_images=frames[1:], duration=durations, loop=loop)
    out = io.BytesIO()
    frames[0].save(out, **options)
    return out.getvalue()
