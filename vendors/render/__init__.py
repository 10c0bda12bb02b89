"""The renderer: the shot timeline, the voiceover, the music bed and the word timings become
final.mp4 (H.264 High yuv420p + AAC-LC 48 kHz stereo, 30 fps, ``+faststart``) with ffmpeg only.

Why it is shaped like this (measured on 2 shared cores; docs/benchmarks.md has the figures):

* **Picture in segments.** The timeline is cut into segments of about 5 s (about a shot each),
  only at hard cuts or where a crossfade ends. Each segment is one ffmpeg process: its stills get
  a Ken Burns move (``vendors.offline.kenburns.zoompan_filter``, whose frame offset lets a move
  continue across a segment boundary), its videos are scaled, cropped and trimmed, they are joined
  by concat or xfade, its own ASS file burns the captions in, and libx264 encodes it once with the
  settings every segment shares (``vendors.media.x264_args``). One filter graph holding every
  still grows by about 25 MB a still (3.5 GB for 10 minutes); a segment holds only its own, so
  memory stays flat with length. Two segments run at once (one above 1280x720).
* **Sound in one job** beside the picture: voice + music ducked by ``sidechaincompress`` keyed by
  the voice, measured, gained, limited, measured again (``audio``), AAC once. Segments carry no
  audio, so the join has no AAC priming gaps.
* **Join without re-encoding:** the concat demuxer over the segments plus the soundtrack,
  ``-c copy -movflags +faststart``. Segment lengths are whole frames, so the join is exact.
* **Encode only what changed:** with a cache (``render(..., cache=)``, any object with ``get`` and
  ``put`` by key, ``vendors.render.cache``), a segment whose key the cache holds is copied from it
  instead of encoded; the key covers everything that decides the segment's pixels and length
  (its ffmpeg command, its inputs by content hash, its captions, fonts, ffmpeg's version), so a
  render after a one-chapter revision encodes only that chapter's segments. The soundtrack too.
* **Progress** comes from each ffmpeg's ``-progress`` output (``out_time_us``), summed over the
  segments, and is reported in the caller's thread.

``probe`` checks the result: streams, duration, loudness, black or frozen stretches.
"""

from .audio import AudioOptions
from .cache import DirectoryCache, RenderCache
from .captions import CaptionStyle, caption_style_for, to_srt, to_vtt
from .probe import Interval, QualityReport, quality_check
from .render import RenderOptions, RenderResult, render
from .timeline import TimelineShot

__all__ = [
    "AudioOptions",
    "CaptionStyle",
    "DirectoryCache",
    "Interval",
    "QualityReport",
    "RenderCache",
    "RenderOptions",
    "RenderResult",
    "TimelineShot",
    "caption_style_for",
    "quality_check",
    "render",
    "to_srt",
    "to_vtt",
]
