"""The renderer: the shot timeline to final.mp4 in one ffmpeg encode per segment."""
